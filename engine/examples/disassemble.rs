//! `cargo run -p avtal-engine --example disassemble -- FILE.avtal ENTRY`:
//! print the optimised Cranelift IR and the machine code of one entry
//! point, with the stdlib loaded, to read what the back end made of it.

use avtal_compiler::{Sources, compile, stdlib};
use avtal_engine::codegen;

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(entry)) = (args.next(), args.next()) else {
        return Err("usage: disassemble FILE.avtal ENTRY".into());
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let mut sources = Sources::new();
    stdlib::add_to(&mut sources);
    sources.add(&path, &text);
    let compilation = compile(&sources);
    if compilation.has_errors() {
        return Err(format!("{path} does not check; run `avtal check {path}`"));
    }
    let program = compilation.program;
    let (id, _) = program
        .entry_points()
        .find(|(_, f)| f.name == entry)
        .ok_or_else(|| format!("{path} has no entry point {entry}"))?;
    let listing = codegen::listing(&program, id).map_err(|e| e.to_string())?;
    print!("{listing}");
    Ok(())
}
