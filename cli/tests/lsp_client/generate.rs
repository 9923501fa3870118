//! Generated Avtal programs for the LSP tests and the latency benchmark:
//! valid agreements of a given size, built from the same item shapes as
//! the W1 clauses (records, enums, params, rules, tables, conditions,
//! limits, examples).

#![allow(dead_code, reason = "each test uses part of the helper")]

use std::fmt::Write as _;

/// A valid agreement of about `lines` lines.
pub fn agreement(lines: usize) -> String {
    let mut out = String::from(
        "/// A generated agreement.\nmodule bench.avtal\n\n/// Avdelning.\nenum Avdelning { I, II }\n\n/// En anställd.\nrecord Anställd {\n  /// Fast månadslön.\n  lön: Money\n  grad: Percent\n  avdelning: Avdelning\n  år: Int\n}\n\n",
    );
    let mut i = 0;
    while out.lines().count() < lines {
        write!(
            out,
            r#"/// Garantibelopp {i}.
param belopp_{i}: Money
  source "VA 5 kap. 14 § ({i})"
{{
  from 2026-01-01 = 1709 SEK
  from 2027-01-01 = 1759 SEK
}}

/// Garantin {i}, räknad på graden.
rule garanti_{i}(a: Anställd) -> Money
  source "VA 5 kap. 14 §"
{{
  let bas = belopp_{i} at 2026-06-01 * a.grad
  max(0 SEK, round(bas - 4.6 % * a.lön, 0.01 SEK))
}}

table uppsägning_{i}(avdelning: Avdelning, år: Int) -> Int {{
  | I  | < 2  => 1
  | I  | _    => 3
  | II | _    => 4
}}

condition får_{i}(a: Anställd) {{
  requires a.år >= 1 because "minst ett år"
  requires a.avdelning == II because "avdelning II"
}}

example "garanti {i}" {{
  garanti_{i}(Anställd {{ lön: 30000 SEK, grad: 100 %, avdelning: I, år: 3 }}) == 329.00 SEK
  uppsägning_{i}(I, 1) == 1
}}

"#
        )
        .ok();
        i += 1;
    }
    out
}
