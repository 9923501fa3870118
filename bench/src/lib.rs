//! The library half of `avtal-bench`: hand-written baselines that a
//! binary of their own uses as well as the benchmarks. Today W2
//! (`w2_baseline`, run by the `w2-baseline` binary); the W1 baselines stay
//! modules of `w1-bench`, their only user.

pub mod w2_baseline;
