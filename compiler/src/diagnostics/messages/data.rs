//! Diagnostic wording for the data stage.
