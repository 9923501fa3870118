; Highlights for Avtal. Capture names are the common ones that Neovim,
; Helix and Zed all map to colours. Neovim lets a later pattern win and
; Helix an earlier one, so no two patterns capture the same node: a name
; that is only used (a local, a param, a variant) keeps the default colour.

(comment) @comment
(doc_comment) @comment.documentation

(text) @string
(number) @number
(date) @number
(time) @number
(timestamp) @number
(boolean) @boolean
(wildcard) @variable.builtin

[
  "module" "use" "param" "record" "enum" "rule" "table" "condition" "limit"
  "classes" "example" "evaluate" "source" "from" "let" "requires" "because"
  "refuse" "refused"
  "per" "ranked" "on" "to" "next" "all" "every" "day"
] @keyword

[ "if" "else" "match" ] @keyword.conditional
[ "for" "in" ] @keyword.repeat
[ "and" "or" "not" "at" ] @keyword.operator
(limit_kind) @keyword.operator

[ "==" "!=" "<=" ">=" "<" ">" "+" "-" "*" "/" "=>" "->" "=" ".." ] @operator
[ "(" ")" "[" "]" "{" "}" ] @punctuation.bracket
[ "," ":" "." "|" ] @punctuation.delimiter

(module_path (identifier) @module)

(type (identifier) @type)
(type "List" @type.builtin)
(let_statement name: (identifier) @variable)
(record_definition name: (identifier) @type)
(enum_definition name: (identifier) @type)
(record type: (identifier) @type)

(variant_definition name: (identifier) @constant)
(param_definition name: (identifier) @constant)

(rule_definition name: (identifier) @function)
(evaluate_definition name: (identifier) @function)
(table_definition name: (identifier) @function)
(condition_definition name: (identifier) @function)
(limit_definition name: (identifier) @function)
(call function: (identifier) @function.call)

(classes_definition name: (identifier) @type)
(class_definition name: (identifier) @constant)

(parameter name: (identifier) @variable.parameter)
(lambda parameter: (identifier) @variable.parameter)
(generator binder: (identifier) @variable)

(field_definition name: (identifier) @property)
(field_initializer name: (identifier) @property)
(field_expression field: (identifier) @property)

(limit_period (identifier) @label)
(requirement name: (identifier) @label)

