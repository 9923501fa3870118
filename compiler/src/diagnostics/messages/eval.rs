//! Diagnostic wording for the eval stage.
