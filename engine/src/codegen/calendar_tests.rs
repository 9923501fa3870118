//! The emitted calendar code against chrono (`eval/calendar.rs`), over
//! every day of years −2000 to 4000, the calendar's edges, and month
//! moves of many lengths, including ones that leave the calendar.

use chrono::{Datelike, NaiveDate};
use cranelift_codegen::ir::{AbiParam, InstBuilder, UserFuncName, types};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module, default_libcall_names};

use super::calendar::{self, Part};
use avtal_compiler::eval::{Number, calendar as reference};

type Op = unsafe extern "C" fn(i64, i64, i64) -> i64;

/// Off-calendar results come back as this.
const OFF: i64 = i64::MIN;

/// JIT one function `(a, b, c) -> i64` whose body `emit` writes; a
/// failure flag turns the result into [`OFF`].
fn jit(
    emit: impl Fn(
        &mut FunctionBuilder,
        cranelift_codegen::ir::Value,
        cranelift_codegen::ir::Value,
        cranelift_codegen::ir::Value,
    ) -> (
        cranelift_codegen::ir::Value,
        Option<cranelift_codegen::ir::Value>,
    ),
) -> (JITModule, Op) {
    let isa = super::jit::host_isa(false).unwrap();
    let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
    let mut signature = module.make_signature();
    for _ in 0..3 {
        signature.params.push(AbiParam::new(types::I64));
    }
    signature.returns.push(AbiParam::new(types::I64));
    let id = module
        .declare_function("op", Linkage::Export, &signature)
        .unwrap();
    let mut context = module.make_context();
    context.func.signature = signature;
    context.func.name = UserFuncName::user(0, id.as_u32());
    let mut fbc = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut context.func, &mut fbc);
        let block = b.create_block();
        b.append_block_params_for_function_params(block);
        b.switch_to_block(block);
        b.seal_block(block);
        let params = b.block_params(block).to_vec();
        let (value, off) = emit(&mut b, params[0], params[1], params[2]);
        let result = match off {
            Some(off) => {
                let sentinel = b.ins().iconst(types::I64, OFF);
                b.ins().select(off, sentinel, value)
            }
            None => value,
        };
        b.ins().return_(&[result]);
        b.finalize(module.target_config());
    }
    module.define_function(id, &mut context).unwrap();
    module.finalize_definitions().unwrap();
    let address = module.get_finalized_function(id);
    // SAFETY: the function was declared with exactly this signature.
    let op = unsafe { std::mem::transmute::<*const u8, Op>(address) };
    (module, op)
}

fn call(op: Op, a: i64, b: i64, c: i64) -> i64 {
    // SAFETY: the compiled code reads only its arguments.
    unsafe { op(a, b, c) }
}

fn day(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

fn date(day: i64) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(day).unwrap()).unwrap()
}

/// Every day of years −2000 to 4000, and 50 000 days at each edge.
fn days() -> impl Iterator<Item = i64> {
    let wide = day(NaiveDate::from_ymd_opt(-2000, 1, 1).unwrap())
        ..=day(NaiveDate::from_ymd_opt(4000, 12, 31).unwrap());
    let low = calendar::min_day()..calendar::min_day() + 50_000;
    let high = calendar::max_day() - 50_000..=calendar::max_day();
    wide.chain(low).chain(high)
}

#[test]
fn day_numbers_round_trip_like_chrono() {
    let (_parts, parts) = jit(|b, day, part, _| {
        let civil = calendar::civil_from_days(b, day);
        // part 0: year·10000 + month·100 + day (years can be negative).
        let y = b.ins().imul_imm_s(civil.year, 10_000);
        let m = b.ins().imul_imm_s(civil.month, 100);
        let packed = b.ins().iadd(y, m);
        let packed = b.ins().iadd(packed, civil.day);
        let back = calendar::days_from_civil(b, civil.year, civil.month, civil.day);
        let length = calendar::days_in_month(b, civil.year, civil.month);
        let is_back = b
            .ins()
            .icmp_imm_s(cranelift_codegen::ir::condcodes::IntCC::Equal, part, 1);
        let is_length = b
            .ins()
            .icmp_imm_s(cranelift_codegen::ir::condcodes::IntCC::Equal, part, 2);
        let v = b.ins().select(is_back, back, packed);
        (b.ins().select(is_length, length, v), None)
    });
    for n in days() {
        let d = date(n);
        let packed = i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day());
        assert_eq!(call(parts, n, 0, 0), packed, "{d}");
        assert_eq!(call(parts, n, 1, 0), n, "{d}");
        assert_eq!(
            call(parts, n, 2, 0),
            i64::from(d.num_days_in_month()),
            "{d}"
        );
    }
}

#[test]
fn date_parts_like_the_interpreter() {
    type Reference = fn(NaiveDate) -> Number;
    let ops: Vec<(Part, Reference)> = vec![
        (Part::Year, reference::year),
        (Part::Month, reference::month),
        (Part::Day, reference::day),
        (Part::DaysInMonth, reference::days_in_month),
    ];
    for (part, expected) in ops {
        let (_m, op) = jit(move |b, day, _, _| (calendar::date_part(b, day, part), None));
        for n in days().step_by(13) {
            assert_eq!(
                call(op, n, 0, 0),
                expected(date(n)).to_i64().unwrap(),
                "{part:?} {}",
                date(n)
            );
        }
    }
}

fn expect(result: Result<NaiveDate, reference::CalendarError>) -> i64 {
    result.map_or(OFF, day)
}

#[test]
fn moving_by_months_like_the_interpreter() {
    let (_a, add) = jit(|b, day, n, _| {
        let (v, off) = calendar::add_months(b, day, n, false);
        (v, Some(off))
    });
    let (_s, sub) = jit(|b, day, n, _| {
        let (v, off) = calendar::add_months(b, day, n, true);
        (v, Some(off))
    });
    let amounts = [
        0,
        1,
        -1,
        2,
        6,
        11,
        12,
        13,
        -13,
        25,
        1200,
        -4801,
        3_000_000,
        -3_000_000,
        i64::MAX,
        i64::MIN,
    ];
    for n in days().step_by(41) {
        for amount in amounts {
            let d = date(n);
            let number = Number::from_i64(amount);
            assert_eq!(
                call(add, n, amount, 0),
                expect(reference::add_months(d, &number, false)),
                "{d} + {amount} months"
            );
            assert_eq!(
                call(sub, n, amount, 0),
                expect(reference::add_months(d, &number, true)),
                "{d} - {amount} months"
            );
        }
    }
}

#[test]
fn moving_by_days_like_the_interpreter() {
    let (_a, add) = jit(|b, day, n, _| {
        let (v, off) = calendar::add_days(b, day, n, false);
        (v, Some(off))
    });
    let (_s, sub) = jit(|b, day, n, _| {
        let (v, off) = calendar::add_days(b, day, n, true);
        (v, Some(off))
    });
    let amounts = [
        0,
        1,
        -1,
        365,
        50_001,
        -50_001,
        200_000_000,
        i64::MAX,
        i64::MIN,
    ];
    for n in days().step_by(53) {
        for amount in amounts {
            let d = date(n);
            let number = Number::from_i64(amount);
            assert_eq!(
                call(add, n, amount, 0),
                expect(reference::add_days(d, &number, false)),
                "{d} + {amount} days"
            );
            assert_eq!(
                call(sub, n, amount, 0),
                expect(reference::add_days(d, &number, true)),
                "{d} - {amount} days"
            );
        }
    }
}

#[test]
fn making_dates_like_the_interpreter() {
    let (_m, make) = jit(|b, y, m, d| {
        let (v, off) = calendar::make_date(b, y, m, d);
        (v, Some(off))
    });
    let years = [
        -262_145,
        -262_144,
        -2000,
        -1,
        0,
        1,
        1900,
        2000,
        2024,
        2026,
        2100,
        262_143,
        262_144,
        i64::MAX,
        i64::MIN,
    ];
    for year in years {
        for month in -1..=14 {
            for d in -1..=33 {
                let expected = expect(reference::make_date(
                    &Number::from_i64(year),
                    &Number::from_i64(month),
                    &Number::from_i64(d),
                ));
                assert_eq!(
                    call(make, year, month, d),
                    expected,
                    "date({year}, {month}, {d})"
                );
            }
        }
    }
}
