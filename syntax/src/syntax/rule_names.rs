//! Grammar rule names in the words users see.
//!
//! pest reports what it expected as a list of [`Rule`]s. Users must never
//! see those names (`kw_because`, `an_expr`), so [`describe`] maps every rule
//! to plain words and a [`RuleKind`] that tells the error builder how to
//! group it ("an operator", "an item"). The `match` is exhaustive with no
//! `_` arm on purpose: adding a rule to `grammar/avtal.pest` without naming
//! it here fails to compile. This module does not decide which expected
//! rules to show; `parser_error` does.

use super::parser::Rule;

/// How an expected rule is shown in "expected …, found …".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// Something shown with its own words: "`)`", "a type like `Money`".
    Token,
    /// A token that would continue an expression. Almost any expression may
    /// be continued, so these are folded into "an operator" and shown only
    /// when nothing more specific was expected.
    Operator,
    /// The start of a top-level item or header line.
    ItemStart,
    /// The end of the chunk being parsed: the item could have ended here.
    End,
    /// An optional unit after a number; listed only when it is the sole
    /// expectation, because a number without a unit is fine.
    Unit,
    /// Never listed: trivia and helper rules that cannot fail on their own.
    Hidden,
}

/// The words for a rule and how to group it.
pub fn describe(rule: Rule) -> (RuleKind, &'static str) {
    use RuleKind::{End, Hidden, ItemStart, Operator, Token, Unit};
    match rule {
        Rule::EOI => (End, "end of file"),
        Rule::WHITESPACE => (Hidden, "a space"),
        Rule::COMMENT => (Hidden, "a comment"),
        Rule::inline_space => (Hidden, "a space"),
        Rule::chunk_file => (ItemStart, "an item"),
        Rule::doc_line => (Hidden, "a doc comment `///`"),
        Rule::doc_text => (Hidden, "the text of a doc comment"),
        Rule::module_decl => (ItemStart, "`module`"),
        Rule::use_decl => (ItemStart, "`use`"),
        Rule::module_path => (Token, "a module path like `lag.las`"),
        Rule::item_def => (ItemStart, "an item"),
        // Recovery only: `item_head` never reports an error of its own.
        Rule::item_head
        | Rule::param_head
        | Rule::record_head
        | Rule::enum_head
        | Rule::rule_head
        | Rule::evaluate_head
        | Rule::table_head
        | Rule::condition_head
        | Rule::limit_head
        | Rule::classes_head
        | Rule::skipped_line => (Hidden, "an item's header"),
        Rule::source_clause => (Token, "`source \"…\"`"),
        Rule::param_def => (ItemStart, "`param`"),
        Rule::param_step => (Token, "a step like `from 2026-01-01 = 1709 SEK`"),
        Rule::record_def => (ItemStart, "`record`"),
        Rule::field_def => (Token, "a field like `lön: Money`"),
        Rule::enum_def => (ItemStart, "`enum`"),
        Rule::variant_def => (Token, "a variant name"),
        Rule::rule_def => (ItemStart, "`rule`"),
        Rule::evaluate_def => (ItemStart, "`evaluate`"),
        Rule::rule_body => (Token, "`=` or `{`"),
        Rule::param_list => (Token, "a parameter list like `(a: Anställd)`"),
        Rule::param_decl => (Token, "a parameter like `a: Anställd`"),
        Rule::table_def => (ItemStart, "`table`"),
        Rule::table_row => (Token, "a row starting with `|`"),
        Rule::table_cell => (Token, "a cell"),
        Rule::cell_any => (Token, "`_`"),
        Rule::cell_compare => (Token, "a comparison like `< 2`"),
        Rule::cell_range => (Token, "a range like `2..9`"),
        Rule::cell_one_of => (Token, "a cell value"),
        Rule::cell_value => (Token, "a cell value (a literal or a name)"),
        Rule::condition_def => (ItemStart, "`condition`"),
        Rule::requirement_line => (Token, "`requires`"),
        Rule::requirement_name => (Token, "a requirement's name and `:`"),
        Rule::limit_def => (ItemStart, "`limit`"),
        Rule::limit_at => (Token, "`at most` or `at least`"),
        Rule::limit_kind => (Token, "`most` or `least`"),
        Rule::limit_period => (Token, "`per` and a period"),
        Rule::period_word => (Token, "a period like `calendar year`"),
        Rule::example_def => (ItemStart, "`example`"),
        Rule::example_refusal => (Token, "an assertion"),
        // `refused` continues an assertion like an operator.
        Rule::refused_word => (Operator, "`refused`"),
        Rule::type_expr => (Token, "a type like `Money`"),
        Rule::list_type => (Token, "a list type like `List<Anställd>`"),
        Rule::list_word => (Token, "`List`"),
        Rule::an_expr
        | Rule::expr_and
        | Rule::expr_not
        | Rule::expr_cmp
        | Rule::expr_add
        | Rule::expr_mul
        | Rule::expr_unary
        | Rule::expr_at
        | Rule::expr_postfix
        | Rule::expr_primary => (Token, "an expression"),
        Rule::paren_expr => (Token, "`(`"),
        Rule::call_expr => (Token, "a call"),
        Rule::call_args => (Token, "`(`"),
        Rule::call_arg => (Token, "an argument"),
        Rule::lambda_arg => (Token, "a test like `x => x.aktiv`"),
        Rule::list_expr => (Token, "a list `[…]`"),
        // `for` continues the first element, like an operator, so it is
        // not listed beside `,` and `)`.
        Rule::generator_tail => (Operator, "`for`"),
        Rule::record_start => (Token, "a record value"),
        // A `{` after a name would continue it as a record value, like an
        // operator continues an expression.
        Rule::record_open => (Operator, "`{`"),
        Rule::record_key => (Hidden, "a field name"),
        Rule::record_colon => (Hidden, "`:`"),
        Rule::record_close => (Hidden, "`}`"),
        Rule::typed_record => (Token, "a record value"),
        Rule::brace_expr => (Token, "`{`"),
        Rule::record_lit => (Token, "a record value"),
        Rule::record_fields => (Token, "`{`"),
        Rule::field_init => (Token, "a field like `lön: 30000 SEK`"),
        Rule::block_expr => (Token, "a block `{ … }`"),
        Rule::let_stmt => (Token, "`let`"),
        Rule::refuse_stmt => (Token, "`refuse`"),
        Rule::refuse_each => (Token, "`for`"),
        Rule::if_expr => (Token, "`if`"),
        Rule::match_expr => (Token, "`match`"),
        Rule::match_arm => (Token, "an arm like `A => …`"),
        Rule::match_pattern => (Token, "a variant name"),
        Rule::date_lit => (Token, "a date like `2026-01-01`"),
        Rule::timestamp_lit => (Token, "a timestamp like `2026-06-05T18:30`"),
        Rule::time_lit => (Token, "a time like `19:00`"),
        Rule::number_lit => (Token, "a number"),
        Rule::number_digits => (Token, "a number"),
        Rule::unit_word => (Unit, "a unit like `SEK`"),
        Rule::text_lit => (Token, "a text in quotes"),
        Rule::text_open => (Token, "a text in quotes"),
        Rule::text_body => (Token, "text"),
        Rule::text_close => (Token, "the closing `\"`"),
        Rule::ident_chars => (Token, "a name"),
        Rule::name_ident => (Token, "a name"),
        Rule::name_ref => (Token, "a name"),
        Rule::type_ident => (Token, "a type like `Money`"),
        Rule::field_name => (Token, "a field name"),
        Rule::variant_name => (Token, "a variant name"),
        Rule::any_wildcard => (Token, "`_`"),
        Rule::a_keyword => (Token, "a keyword"),
        Rule::kw_module => (ItemStart, "`module`"),
        Rule::kw_use => (ItemStart, "`use`"),
        Rule::kw_param => (ItemStart, "`param`"),
        Rule::kw_record => (ItemStart, "`record`"),
        Rule::kw_enum => (ItemStart, "`enum`"),
        Rule::kw_rule => (ItemStart, "`rule`"),
        Rule::kw_table => (ItemStart, "`table`"),
        Rule::kw_condition => (ItemStart, "`condition`"),
        Rule::kw_limit => (ItemStart, "`limit`"),
        Rule::kw_example => (ItemStart, "`example`"),
        Rule::kw_classes => (ItemStart, "`classes`"),
        Rule::classes_def => (ItemStart, "`classes`"),
        Rule::classes_ranked => (Token, "`ranked`"),
        Rule::class_def => (
            Token,
            "a class like `enkel { from 19:00 on every day to 22:00 }`",
        ),
        Rule::window_span => (Token, "a span like `from 19:00 on every day to 22:00`"),
        Rule::span_from => (
            Token,
            "a span like `from 19:00 on fredag to 07:00 on next måndag`",
        ),
        Rule::span_until => (Token, "`on next`"),
        Rule::span_all_day => (Token, "`all day on …`"),
        Rule::day_selector => (Token, "`every day` or a rule like `fredag`"),
        Rule::every_day => (Token, "`every day`"),
        Rule::span_on => (Token, "`on`"),
        Rule::span_to => (Token, "`to`"),
        Rule::span_next => (Token, "`next`"),
        Rule::span_all => (Token, "`all`"),
        Rule::span_day => (Token, "`day`"),
        Rule::span_every => (Token, "`every`"),
        Rule::kw_evaluate => (ItemStart, "`evaluate`"),
        Rule::kw_source => (Token, "`source`"),
        Rule::kw_from => (Token, "`from`"),
        Rule::kw_let => (Token, "`let`"),
        Rule::kw_if => (Token, "`if`"),
        Rule::kw_else => (Token, "`else`"),
        Rule::kw_match => (Token, "`match`"),
        Rule::kw_for => (Token, "`for`"),
        Rule::kw_in => (Token, "`in`"),
        Rule::kw_at => (Operator, "`at`"),
        Rule::kw_most => (Token, "`most`"),
        Rule::kw_least => (Token, "`least`"),
        Rule::kw_per => (Token, "`per`"),
        Rule::kw_requires => (Token, "`requires`"),
        Rule::kw_because => (Token, "`because`"),
        Rule::kw_and => (Operator, "`and`"),
        Rule::kw_or => (Operator, "`or`"),
        Rule::kw_not => (Token, "`not`"),
        Rule::kw_true => (Token, "`true`"),
        Rule::kw_false => (Token, "`false`"),
        Rule::kw_refuse => (Token, "`refuse`"),
        Rule::paren_open => (Token, "`(`"),
        Rule::call_open => (Operator, "`(`"),
        Rule::paren_close => (Token, "`)`"),
        Rule::brace_open => (Token, "`{`"),
        Rule::brace_close => (Token, "`}`"),
        Rule::bracket_open => (Token, "`[`"),
        Rule::bracket_close => (Token, "`]`"),
        Rule::type_open => (Token, "`<`"),
        Rule::type_close => (Token, "`>`"),
        Rule::punct_comma => (Token, "`,`"),
        Rule::punct_colon => (Token, "`:`"),
        Rule::punct_pipe => (Token, "`|`"),
        Rule::ret_arrow => (Token, "`->`"),
        Rule::fat_arrow => (Token, "`=>`"),
        Rule::eq_sign => (Token, "`=`"),
        // `..` continues a cell value, so it is grouped with the operators.
        Rule::range_op => (Operator, "`..`"),
        Rule::op_dot => (Operator, "`.`"),
        Rule::cmp_op => (Operator, "a comparison"),
        Rule::op_eq => (Operator, "`==`"),
        Rule::op_ne => (Operator, "`!=`"),
        Rule::op_le => (Operator, "`<=`"),
        Rule::op_ge => (Operator, "`>=`"),
        Rule::op_lt => (Operator, "`<`"),
        Rule::op_gt => (Operator, "`>`"),
        Rule::op_plus => (Operator, "`+`"),
        Rule::op_minus => (Operator, "`-`"),
        Rule::op_star => (Operator, "`*`"),
        Rule::op_slash => (Operator, "`/`"),
    }
}

/// The words for a whole group of expected rules, used when nothing more
/// specific was expected ("expected an operator, found `EUR`").
pub fn group_words(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::Token => "something else",
        RuleKind::Operator => "an operator",
        RuleKind::ItemStart => "an item",
        RuleKind::End => "end of file",
        RuleKind::Unit => "a unit like `SEK`",
        RuleKind::Hidden => "something else",
    }
}

/// True for rules that name something: when one of them is expected and a
/// keyword is found, the message says the keyword cannot be a name.
pub fn is_name(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::name_ident
            | Rule::name_ref
            | Rule::type_ident
            | Rule::field_name
            | Rule::variant_name
            | Rule::ident_chars
            | Rule::match_pattern
    )
}
