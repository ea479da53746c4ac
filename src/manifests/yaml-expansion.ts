/**
 * How much a YAML document may expand to through aliases: a bound on
 * values, counted on the parse tree before conversion, so that memory
 * follows the text, not the aliases (the alias cap alone limits alias uses,
 * not what each copies). Used by yaml-documents.ts.
 */
import { Document, isAlias, isMap, isPair, isSeq } from 'yaml';

/**
 * The fewest values (scalars and collections, counted with every alias
 * expanded) a document may expand to; a larger document may expand to as
 * many values as it has characters (see {@link expansionBudget}).
 */
export const MIN_EXPANSION_BUDGET = 1_000_000;

/**
 * How many values (scalars and collections, with every alias expanded to
 * what it names, merge keys included) a document of `characters`
 * characters may expand to: as many as it has characters, and at least
 * {@link MIN_EXPANSION_BUDGET}. A document without aliases holds fewer
 * values than characters, so the budget only stops aliases, and what a
 * document may make of them is what a document of its size without them
 * could hold: memory follows the text, not the aliases (the alias cap
 * alone limits alias uses, not what each copies).
 */
export function expansionBudget(characters: number): number {
  return Math.max(MIN_EXPANSION_BUDGET, characters);
}

/** A node that the expansion walk stopped at, and why. */
export interface ExpansionProblem {
  readonly offset: number;
  readonly problem: string;
}

/** Marks an anchor whose node is being counted: an alias to it is inside it. */
const COUNTING = -1;

/**
 * Counts the values of `doc` with every alias expanded, in document order,
 * remembering each anchored node's count, so the walk visits each node of
 * the text once however often it is aliased. Stops at the first alias that
 * takes the count past `budget`, and at an alias inside the node it names
 * (go-yaml refuses those: "anchor ... value contains itself"). Nesting is
 * bounded already ({@link MAX_NESTING}), and so is the recursion.
 */
export function checkExpansion(doc: Document.Parsed, budget: number): ExpansionProblem | undefined {
  const anchors = new Map<string, number>();
  let total = 0;
  let problem: ExpansionProblem | undefined;
  const count = (node: unknown): number => {
    if (problem !== undefined || node === null || node === undefined) return 0;
    if (isAlias(node)) {
      const size = anchors.get(node.source);
      if (size === undefined) return 1; // no anchor before it: conversion reports that
      const offset = node.range?.[0] ?? 0;
      if (size === COUNTING) {
        problem = { offset, problem: 'an alias names an anchor of a node that contains the alias (a node cannot contain itself)' };
        return 0;
      }
      total += size;
      if (total > budget) {
        problem = {
          offset,
          problem: `aliases expand the document to more than ${budget.toLocaleString('en')} values, the most verify reads from a document of its size `
            + `(as many values as it has characters, at least ${MIN_EXPANSION_BUDGET.toLocaleString('en')})`,
        };
      }
      return size;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor !== undefined) anchors.set(anchor, COUNTING);
    let size = 1;
    total++;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) {
          size += count(item.key) + count(item.value);
        } else {
          size += count(item);
        }
      }
    }
    // Unless the node redefines its own anchor inside: an alias after both names the inner one (defined later).
    if (anchor !== undefined && anchors.get(anchor) === COUNTING) anchors.set(anchor, size);
    return size;
  };
  count(doc.contents);
  return problem;
}
