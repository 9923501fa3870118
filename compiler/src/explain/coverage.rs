//! Coverage of examples: to come.
