//! The longest flat chain the parser accepts (`syntax::MAX_TREE_DEPTH`
//! operators, issue 18) is safe in every stage that walks the tree
//! recursively: it checks, evaluates (plain and traced, as `avtal explain`
//! does) and formats on a thread with the 2 MiB stack of a test thread, in
//! the build the tests run (debug). One operator more is refused by the
//! parser with one diagnostic.

use crate::eval::{ExampleOutcome, Interpreter, trace::Trace};
use crate::source::Sources;
use crate::syntax::MAX_TREE_DEPTH;

fn chain_program(operators: usize) -> String {
    let terms = vec!["a"; operators + 1].join(" + ");
    // The chain sits inside a call inside a comparison inside an example,
    // as deep as a drafter's program would put it.
    format!(
        "rule summa(a: Int) -> Int\n= {terms}\n\nexample \"kedja\" {{\n  summa(2) == {}\n}}\n",
        2 * (operators + 1)
    )
}

fn on_small_stack(job: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(job)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn the_longest_chain_checks_evaluates_and_formats_on_a_small_stack() {
    on_small_stack(|| {
        let text = chain_program(MAX_TREE_DEPTH);
        let mut sources = Sources::new();
        sources.add("kedja.avtal", text.as_str());
        let compilation = crate::compile(&sources);
        assert!(
            compilation.diagnostics.is_empty(),
            "{:#?}",
            compilation.diagnostics
        );
        let interpreter = Interpreter::new(&compilation.program);
        assert!(matches!(interpreter.run_example(0), ExampleOutcome::Passed));
        let mut trace = Trace::new();
        assert!(matches!(
            interpreter.run_example_traced(0, &mut trace),
            ExampleOutcome::Passed
        ));
        let formatted = crate::format::format_source(&text).unwrap();
        assert!(formatted.contains("a + a + a"));
    });
}

#[test]
fn one_operator_more_is_refused_by_the_parser() {
    let mut sources = Sources::new();
    sources.add("kedja.avtal", chain_program(MAX_TREE_DEPTH + 1));
    let compilation = crate::compile(&sources);
    let [diagnostic] = compilation.diagnostics.as_slice() else {
        panic!("{:#?}", compilation.diagnostics)
    };
    assert!(
        diagnostic
            .message
            .starts_with("this expression is too long"),
        "{}",
        diagnostic.message
    );
}
