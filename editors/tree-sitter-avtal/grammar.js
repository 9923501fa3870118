/**
 * @file Tree-sitter grammar for Avtal, collective-agreement clauses as code.
 *
 * Written from grammar/avtal.pest, which stays the language's definition:
 * the compiler parses with pest, and this grammar exists so that editors
 * (Neovim, Helix, Zed) can highlight and fold without the language server.
 * It is looser than pest where that costs nothing for highlighting (keywords
 * are contextual, a cell is any expression), and as strict where a looser
 * reading would colour a different program (a unit stays on its number's
 * line, a call's `(` touches its name, a date is one token).
 * cli/tests/tree_sitter.rs checks that the keywords and units are the
 * pest grammar's, that src/ is what this file generates, and that every
 * .avtal file of stdlib/ and examples/ parses without an error node.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

// Loosest first, as in avtal.pest's expression levels.
const PREC = {
  range: 1,
  or: 2,
  and: 3,
  not: 4,
  compare: 5,
  add: 6,
  multiply: 7,
  negate: 8,
  at: 9,
  field: 10,
  call: 11,
};

// Kept in step with `unit_word` in grammar/avtal.pest (longest first, as the
// lexer takes the longest match anyway).
const UNITS = [
  'SEK/h', 'kr/h', 'SEK', 'kr', '%', 'h', 'days', 'day', 'weeks', 'week',
  'months', 'month', 'years', 'year',
];

/**
 * @param {RuleOrLiteral} rule
 * @returns {SeqRule}
 */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)), optional(','));
}

module.exports = grammar({
  name: 'avtal',

  extras: $ => [/\s/, '\uFEFF', $.doc_comment, $.comment],

  word: $ => $.identifier,

  conflicts: $ => [
    // `if x {` and `match x {`: `x` is a name unless `{` opens a record
    // (`{ a: …` or `{}`), which only the tokens after the brace tell.
    [$._primary, $.record],
  ],

  rules: {
    source_file: $ => repeat(choice($.module_declaration, $.use_declaration, $._item)),

    module_declaration: $ => seq('module', $.module_path),
    use_declaration: $ => seq('use', $.module_path),
    module_path: $ => seq($.identifier, repeat(seq('.', $.identifier))),

    _item: $ => choice(
      $.param_definition,
      $.record_definition,
      $.enum_definition,
      $.rule_definition,
      $.evaluate_definition,
      $.table_definition,
      $.condition_definition,
      $.limit_definition,
      $.classes_definition,
      $.example,
    ),

    source_clause: $ => seq('source', $.text),

    param_definition: $ => seq(
      'param', field('name', $.identifier), ':', field('type', $.type),
      optional($.source_clause),
      '{', repeat($.param_step), '}',
    ),
    param_step: $ => seq('from', $.date, '=', $._expression),

    record_definition: $ => seq(
      'record', field('name', $.identifier),
      '{', repeat(seq($.field_definition, optional(','))), '}',
    ),
    field_definition: $ => seq(field('name', $.identifier), ':', field('type', $.type)),

    enum_definition: $ => seq(
      'enum', field('name', $.identifier),
      '{', repeat(seq($.variant_definition, optional(','))), '}',
    ),
    variant_definition: $ => field('name', $.identifier),

    rule_definition: $ => seq(
      'rule', field('name', $.identifier), $.parameters,
      '->', field('result', $.type), optional($.source_clause),
      field('body', $._rule_body),
    ),
    evaluate_definition: $ => seq(
      'evaluate', field('name', $.identifier), $.parameters,
      '->', field('result', $.type), optional($.source_clause),
      field('body', $._rule_body),
    ),
    _rule_body: $ => choice(seq('=', $._expression), $.block, $.record),

    parameters: $ => seq('(', optional(commaSep1($.parameter)), ')'),
    parameter: $ => seq(field('name', $.identifier), ':', field('type', $.type)),

    table_definition: $ => seq(
      'table', field('name', $.identifier), $.parameters,
      '->', field('result', $.type), optional($.source_clause),
      '{', repeat($.table_row), '}',
    ),
    // A trailing `|` before `=>` is tolerated, as in pest.
    table_row: $ => seq(
      '|', $._cell, repeat(seq('|', $._cell)), optional('|'),
      '=>', field('result', $._expression),
    ),
    _cell: $ => choice($.wildcard, $.cell_compare, $.cell_range, $._expression),
    cell_compare: $ => seq(
      choice('==', '!=', '<=', '>=', '<', '>'),
      $._expression,
    ),
    cell_range: $ => prec.left(PREC.range, seq($._expression, '..', $._expression)),

    condition_definition: $ => seq(
      'condition', field('name', $.identifier), $.parameters,
      optional($.source_clause),
      '{', repeat($.requirement), '}',
    ),
    // `requires NAME: TEST because "REASON"`; the name is optional.
    requirement: $ => seq(
      'requires',
      optional(seq(field('name', $.identifier), ':')),
      $._expression,
      'because',
      field('reason', $.text),
    ),

    limit_definition: $ => seq(
      'limit', field('name', $.identifier), $.parameters,
      optional($.source_clause),
      '{',
      field('measured', $._expression),
      $.limit_kind,
      field('bound', $._expression),
      optional($.limit_period),
      '}',
    ),
    // One token, so that `a + b at most c` is not read as `a + (b at …)`:
    // the parser would have to choose at `at`, before it sees `most`.
    limit_kind: _ => token(choice(
      seq('at', /[ \t\r\n]+/, 'most'),
      seq('at', /[ \t\r\n]+/, 'least'),
    )),
    limit_period: $ => seq('per', repeat1($.identifier)),

    classes_definition: $ => seq(
      'classes', field('name', $.identifier), optional('ranked'),
      optional($.source_clause),
      '{', repeat($.class_definition), '}',
    ),
    class_definition: $ => seq(
      field('name', $.identifier), '{', repeat(choice($.span_from, $.span_all_day)), '}',
    ),
    span_from: $ => seq(
      'from', $.time, 'on', $._day_selector, 'to', $.time,
      optional(seq('on', 'next', $._day_selector)),
    ),
    span_all_day: $ => seq('all', 'day', 'on', $._day_selector),
    _day_selector: $ => choice($.every_day, $.identifier),
    every_day: _ => seq('every', 'day'),

    example: $ => seq(
      'example', field('title', $.text), '{',
      repeat1(choice($._expression, $.refused_assertion)), '}',
    ),
    // `EXPR refused because "MESSAGE"`: the value is expected refused.
    refused_assertion: $ => seq($._expression, 'refused', 'because', field('message', $.text)),

    // Types

    type: $ => choice(seq('List', '<', $.type, '>'), $.identifier),

    // Expressions

    _expression: $ => choice(
      $.binary_expression,
      $.not_expression,
      $.negation,
      $.at_expression,
      $.field_expression,
      $._primary,
    ),

    binary_expression: $ => choice(
      prec.left(PREC.or, seq(field('left', $._expression), 'or', field('right', $._expression))),
      prec.left(PREC.and, seq(field('left', $._expression), 'and', field('right', $._expression))),
      prec.left(PREC.compare, seq(
        field('left', $._expression),
        choice('==', '!=', '<=', '>=', '<', '>'),
        field('right', $._expression),
      )),
      prec.left(PREC.add, seq(field('left', $._expression), choice('+', '-'), field('right', $._expression))),
      prec.left(PREC.multiply, seq(field('left', $._expression), choice('*', '/'), field('right', $._expression))),
    ),
    not_expression: $ => prec(PREC.not, seq('not', $._expression)),
    negation: $ => prec(PREC.negate, seq('-', $._expression)),
    // `param at date`
    at_expression: $ => prec.left(PREC.at, seq($._expression, 'at', $._expression)),
    field_expression: $ => prec(PREC.field, seq(
      field('object', $._expression), '.', field('field', $.identifier),
    )),

    _primary: $ => choice(
      $.timestamp,
      $.date,
      $.time,
      $.number,
      $.text,
      $.boolean,
      $.if_expression,
      $.match_expression,
      $.call,
      $.record,
      $.identifier,
      $.parenthesized,
      $.list,
      $.block,
    ),

    parenthesized: $ => seq('(', $._expression, ')'),

    // The `(` of a call touches the name: `max (a)` is not a call.
    call: $ => prec(PREC.call, seq(field('function', $.identifier), $.arguments)),
    arguments: $ => seq(
      token.immediate('('),
      optional(choice(
        seq($._expression, $.generator),
        commaSep1(choice($.lambda, $._expression)),
      )),
      ')',
    ),
    // `x => cond`, the second argument of `filter`.
    lambda: $ => seq(field('parameter', $.identifier), '=>', $._expression),

    list: $ => seq(
      '[',
      optional(choice(seq($._expression, $.generator), commaSep1($._expression))),
      ']',
    ),
    generator: $ => seq(
      'for', field('binder', $.identifier), 'in', $._expression,
      optional(seq('if', $._expression)),
    ),

    // `Anställd { lön: 30000 SEK }`, or `{ … }` where the type is known.
    record: $ => seq(
      optional(field('type', $.identifier)),
      '{', repeat(seq($.field_initializer, optional(','))), '}',
    ),
    field_initializer: $ => seq(field('name', $.identifier), ':', $._expression),

    block: $ => seq('{', repeat(choice($.let_statement, $.refuse_statement)), $._expression, '}'),
    // `refuse [for s in r.shifts] if TEST because "MESSAGE"`.
    refuse_statement: $ => seq(
      'refuse',
      optional(seq('for', field('binder', $.identifier), 'in', field('list', $._expression))),
      'if', field('test', $._expression),
      'because', field('message', $.text),
    ),
    let_statement: $ => seq(
      'let', field('name', $.identifier), optional(seq(':', field('type', $.type))),
      '=', $._expression,
    ),

    if_expression: $ => seq(
      'if', $._expression, $.block,
      repeat(seq('else', 'if', $._expression, $.block)),
      'else', $.block,
    ),

    match_expression: $ => seq(
      'match', $._expression,
      '{', $.match_arm, repeat(seq(optional(','), $.match_arm)), optional(','), '}',
    ),
    match_arm: $ => seq(
      choice($.wildcard, seq($._pattern, repeat(seq('|', $._pattern)))),
      '=>', $._expression,
    ),
    _pattern: $ => choice($.boolean, $.identifier),

    // Literals

    boolean: _ => choice('true', 'false'),
    wildcard: _ => '_',

    // A unit stays on its number's line (in an example a new line may
    // start with a name such as `h`), so it is part of the number token.
    number: _ => token(seq(
      /[0-9]+(\.[0-9]+)?/,
      optional(seq(/[ \t]*/, choice(...UNITS))),
    )),
    // Loose like pest (`2026-1-1`), so that a badly written date is still
    // one date and the checker says how to write it.
    date: _ => token(/[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/),
    timestamp: _ => token(/[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}T[0-9]{1,2}:[0-9]{2}/),
    time: _ => token(/[0-9]{1,2}:[0-9]{2}/),
    // Text stays on one line.
    text: _ => token(seq('"', repeat(choice(/[^"\\\n]/, /\\[^\n]/)), '"')),

    identifier: _ => /[\p{XID_Start}_][\p{XID_Continue}]*/,

    // `///` is a doc comment; `////` and longer are plain comments. A doc
    // line also matches `comment` with the same length; then the rule
    // defined first wins, so `doc_comment` must stay above `comment` (a
    // `prec` would win over length and take `////` too).
    doc_comment: _ => token(/\/\/\/([^\/\n][^\n]*)?/),
    comment: _ => token(seq('//', /[^\n]*/)),
  },
});
