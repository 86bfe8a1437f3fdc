import type { ASTVisitor, ValidationContext } from 'graphql';
import { limitExceeded } from './limit.error.js';

/** Rejects documents with more than `maxAliases` aliased fields (the cheap way to multiply work). */
export function aliasLimitRule(maxAliases: number) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases++;
      },
      Document: {
        leave(document) {
          if (aliases > maxAliases) {
            context.reportError(
              limitExceeded('aliases', maxAliases, aliases, `This document uses ${aliases} aliases; the limit is ${maxAliases}.`, [document]),
            );
          }
        },
      },
    };
  };
}
