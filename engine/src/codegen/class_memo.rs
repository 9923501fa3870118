//! A per-record memo of classified intervals, behind `hours_in`,
//! `hours_on` and `in_class`.
//!
//! W2 as written measures each class of a `classes` item in its own pass
//! over the shifts (`hours_in(s.start, s.end, ob.enkel)`, then
//! `ob.kvalificerad`, …) and again day by day (`hours_on`), so one shift is
//! classified six times or more. One walk over an interval's day profiles
//! gives the minutes of *every* class of the item at once, so the first
//! call for an interval walks once for all classes and keeps the minutes
//! in a small direct-mapped table on the record function's stack (an entry per
//! first day of an interval and whether it ends on that day); a later
//! call with the same item and the same interval (after `hours_on` clips it
//! to its day) reads them.
//!
//! Why a hit is exact: the minutes are a function of the item and the
//! interval alone (the profiles are the module's, the same for every
//! record), so reading them gives what a walk would. A walk that fails (a
//! day rule failing in the profile function) ends the record where the
//! walk without the memo would, and stores nothing. The keys are emptied
//! when the record function starts, so nothing carries over from another
//! record; a collision only costs a walk, which overwrites the entry.
//!
//! Inside a fused loop (`fuse.rs`) every call for one shift comes while
//! that shift is folded (its classes, then its days, each clipped interval
//! asked for once per class in a row), so those calls use only the first
//! `FUSED_ENTRIES` entries; the emptying stores are emitted last, in a
//! block the function enters first, for the entries its calls can reach:
//! W2's records empty 8 entries per item instead of 64.

use cranelift_codegen::ir::{
    BlockArg, InstBuilder, MemFlagsData, StackSlot, StackSlotData, StackSlotKind, Value,
    condcodes::IntCC, types,
};

use super::CodegenError;
use super::classes::Segments;
use super::translate::{FunctionTranslator, Result};
use avtal_compiler::clock::DAY_MINUTES;
use avtal_compiler::ir::ClassesId;

/// Entries per `classes` item, a power of two: two per day of a month
/// and a bit, so that a month's shifts (one a day, as a rule) get an
/// entry each; a collision only costs a walk.
const ENTRIES: i64 = 64;

/// Entries the calls inside a fused loop use, a power of two: a shift's
/// interval and the parts of its first and second day.
const FUSED_ENTRIES: i64 = 8;

/// One `classes` item's memo: `ENTRIES` entries of `[lo, hi, minutes of
/// class 0, …, minutes of class n − 1]`, `I64` words.
#[derive(Debug, Clone, Copy)]
pub(super) struct ClassMemo {
    slot: StackSlot,
    classes: u32,
}

impl ClassMemo {
    fn stride(self) -> i64 {
        (2 + i64::from(self.classes)) * 8
    }
}

impl<'a, 'b> FunctionTranslator<'a, 'b> {
    /// At the start of a record function: a memo for each `classes` item
    /// the compiled code can classify. The function goes on in a new
    /// block; [`Self::finish_class_memos`] empties the entries its calls
    /// reach, before that block.
    pub(super) fn init_class_memos(&mut self) {
        let program = self.program;
        let mut memos = Vec::with_capacity(program.classes.len());
        let empty = self.builder.create_block();
        let body = self.builder.create_block();
        self.builder.ins().jump(empty, &[]);
        self.builder.seal_block(empty);
        self.builder.switch_to_block(body);
        self.class_memo_blocks = Some((empty, body));
        for info in &program.classes {
            if Segments::of(info).is_err() {
                memos.push(None);
                continue;
            }
            let classes = u32::try_from(info.classes.len()).unwrap_or(u32::MAX);
            let stride = (2 + i64::from(classes)) * 8;
            let size = u32::try_from(stride * ENTRIES).unwrap_or(u32::MAX);
            let slot = self.builder.create_sized_stack_slot(StackSlotData::new(
                StackSlotKind::ExplicitSlot,
                size,
                3,
            ));
            memos.push(Some(ClassMemo { slot, classes }));
        }
        self.class_memos = memos;
    }

    /// After the record function's body: empty the keys of the entries
    /// its calls reach (`lo = i64::MAX`, an empty interval, which is never
    /// looked up), then go on to the body.
    pub(super) fn finish_class_memos(&mut self) {
        let Some((empty, body)) = self.class_memo_blocks.take() else {
            return;
        };
        self.builder.switch_to_block(empty);
        let pointer = self.pointer_type;
        // `lo = i64::MAX` is no key: a nonempty interval ends after it
        // starts. So only the `lo` words need emptying.
        let empty_lo = self.builder.ins().iconst(types::I64, i64::MAX);
        for memo in self.class_memos.clone().into_iter().flatten() {
            for entry in 0..self.class_memo_reach {
                let offset = i32::try_from(entry * memo.stride()).unwrap_or(i32::MAX);
                self.builder
                    .ins()
                    .stack_store(pointer, empty_lo, memo.slot, offset);
            }
        }
        self.builder.ins().jump(body, &[]);
        self.builder.seal_block(body);
    }

    /// The entries a call here may use: a few inside a fused loop, else
    /// all; the function empties as many as its calls reach.
    fn memo_entries(&mut self) -> i64 {
        let entries = if self.in_fused_loop {
            FUSED_ENTRIES
        } else {
            ENTRIES
        };
        self.class_memo_reach = self.class_memo_reach.max(entries);
        entries
    }

    /// The memo of `classes`, if this function has one (profile functions
    /// do not).
    pub(super) fn class_memo(&self, classes: ClassesId) -> Option<ClassMemo> {
        self.class_memos.get(classes.0 as usize).copied().flatten()
    }

    /// Minutes of `[lo, hi)` in each class of `wanted`, from the memo or
    /// by one walk for all classes (`walk` gives the minutes of each
    /// class, in order), which is then stored.
    pub(super) fn memo_minutes(
        &mut self,
        memo: ClassMemo,
        wanted: &[u32],
        lo: Value,
        hi: Value,
        walk: impl FnOnce(&mut Self) -> Result<Vec<Value>>,
    ) -> Result<Vec<Value>> {
        let flags = MemFlagsData::trusted();
        let probe = self.builder.create_block();
        let hit = self.builder.create_block();
        let miss = self.builder.create_block();
        let done = self.builder.create_block();
        for _ in wanted {
            self.builder.append_block_param(done, types::I64);
        }
        // An empty interval has no minutes, and is never a key.
        let empty = self
            .builder
            .ins()
            .icmp(IntCC::SignedLessThanOrEqual, hi, lo);
        let zero = self.builder.ins().iconst(types::I64, 0);
        let zeros: Vec<BlockArg> = wanted.iter().map(|_| zero.into()).collect();
        self.builder.ins().brif(empty, done, &zeros, probe, &[]);
        self.builder.seal_block(probe);
        self.builder.switch_to_block(probe);
        // The entry: by the interval's first day, and whether it goes on
        // past that day (a shift over midnight and its first day's part
        // start on the same day), modulo the table's size.
        let first_day = self.builder.ins().sdiv_imm_s(lo, DAY_MINUTES);
        let before_end = self.builder.ins().iadd_imm_s(hi, -1);
        let last_day = self.builder.ins().sdiv_imm_s(before_end, DAY_MINUTES);
        let crosses = self
            .builder
            .ins()
            .icmp(IntCC::NotEqual, first_day, last_day);
        let crosses = self.builder.ins().uextend(types::I64, crosses);
        let doubled = self.builder.ins().ishl_imm_u(first_day, 1);
        let index = self.builder.ins().bor(doubled, crosses);
        let entries = self.memo_entries();
        let index = self.builder.ins().band_imm_u(index, entries - 1);
        let offset = self.builder.ins().imul_imm_s(index, memo.stride());
        let pointer = self.pointer_type;
        let base = self.builder.ins().stack_addr(pointer, memo.slot, 0);
        let entry = self.builder.ins().iadd(base, offset);
        let key_lo = self.builder.ins().load(types::I64, flags, entry, 0);
        let key_hi = self.builder.ins().load(types::I64, flags, entry, 8);
        let same_lo = self.builder.ins().icmp(IntCC::Equal, key_lo, lo);
        let same_hi = self.builder.ins().icmp(IntCC::Equal, key_hi, hi);
        let same = self.builder.ins().band(same_lo, same_hi);
        self.builder.ins().brif(same, hit, &[], miss, &[]);

        self.builder.seal_block(hit);
        self.builder.switch_to_block(hit);
        let mut read = Vec::with_capacity(wanted.len());
        for class in wanted {
            let class_offset = i32::try_from(16 + 8 * i64::from(*class))
                .map_err(|_| CodegenError::Unsupported("a classes item with too many classes"))?;
            let minutes = self
                .builder
                .ins()
                .load(types::I64, flags, entry, class_offset);
            read.push(BlockArg::from(minutes));
        }
        self.builder.ins().jump(done, &read);

        self.builder.seal_block(miss);
        self.builder.switch_to_block(miss);
        let totals = walk(self)?;
        if totals.len() != memo.classes as usize {
            return Err(CodegenError::Internal("a walk without every class"));
        }
        self.builder.ins().store(flags, lo, entry, 0);
        self.builder.ins().store(flags, hi, entry, 8);
        for (index, total) in totals.iter().enumerate() {
            let offset = i32::try_from(16 + 8 * index)
                .map_err(|_| CodegenError::Unsupported("a classes item with too many classes"))?;
            self.builder.ins().store(flags, *total, entry, offset);
        }
        let mut found = Vec::with_capacity(wanted.len());
        for class in wanted {
            let minutes = totals
                .get(*class as usize)
                .copied()
                .ok_or(CodegenError::Internal("a class outside its item"))?;
            found.push(BlockArg::from(minutes));
        }
        self.builder.ins().jump(done, &found);

        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
        Ok(self.builder.block_params(done).to_vec())
    }
}
