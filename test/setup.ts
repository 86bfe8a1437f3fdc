// Decorated classes need the metadata polyfill before they load.
import 'reflect-metadata';
