//! Diagnostic wording for the syntax stage.
