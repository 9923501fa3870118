//! Diagnostic wording for the check stage.
