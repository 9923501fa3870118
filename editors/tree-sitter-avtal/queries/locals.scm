; Scopes and definitions, for editors that colour a local's uses like its
; definition (Neovim's and Helix's locals).

[
  (rule_definition)
  (evaluate_definition)
  (table_definition)
  (condition_definition)
  (limit_definition)
  (block)
  (list)
  (arguments)
] @local.scope

(parameter name: (identifier) @local.definition)
(let_statement name: (identifier) @local.definition)
(generator binder: (identifier) @local.definition)
(lambda parameter: (identifier) @local.definition)

(identifier) @local.reference
