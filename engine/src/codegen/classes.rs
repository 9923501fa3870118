//! Classes of time in compiled code: `hours_in`, `hours_on`, `in_class`.
//!
//! The interpreter lays out every span near an interval
//! (`eval/windows.rs`); compiled code instead classifies whole days, once
//! per day for the life of the module. Every span starts and ends at one
//! of a few clock times, so the times of all spans of a `classes` item cut
//! each day into the same *segments* (`00:00–06:00`, `06:00–07:00`, …), and
//! on a given day each segment lies wholly in one class or none. A day's
//! *profile* is the class of each segment, packed into an `i64`; the
//! module keeps a table of profiles for the days of 2000–2099, filled the
//! first time a day is asked for (relaxed atomic loads and stores: every
//! thread computes the same word, so a race only computes it twice).
//!
//! A segment starting at minute `b` of day `D` is in a span when
//! - the span starts on `D` (its rule selects `D`) at or before `b`, and
//!   (without `on next`) ends after `b` on `D`; or
//! - a span started on an earlier day reaches into `D` past `b`: for a
//!   span without `on next` that crosses midnight, it started on `D − 1`
//!   and `b` is before its end time; for one with `on next`, walking back
//!   from `D − 1` finds a day its rule selects before any day its `on next`
//!   rule selects (at most `MAX_SPAN_DAYS` days back), and the span has not
//!   ended: `D` is not an end day, or `b` is before the end time.
//!   This is the interpreter's forward rule read backwards, the 14-day cap
//!   included (a span whose end day never comes ends on its 14th day).
//!
//! The class of a segment is the first class listed that has a span holding
//! it. The hours of an interval in a class then add up, day by day, the
//! overlap of the interval with that class's segments: minutes / 60, exact.

use cranelift_codegen::ir::{
    Block, BlockArg, GlobalValue, InstBuilder, MemFlagsData, Value, condcodes::IntCC, types,
};

use super::translate::{FunctionTranslator, Result, Val};
use super::{CodegenError, NativeStatus};
use avtal_compiler::clock::DAY_MINUTES;
use avtal_compiler::ir::{
    Builtin, ClassesId, ClassesInfo, Const, DaySelector, Expr, ExprKind, MAX_SPAN_DAYS, WindowSpan,
};

/// The first day of the profile table: 2000-01-01.
pub(super) const TABLE_FIRST_DAY: i64 = 730_120;
/// Days in the profile table: 2000-01-01 to 2099-12-31.
pub(super) const TABLE_DAYS: i64 = 36_525;

/// A day's word in a per-day table (`FunctionTranslator::day_slot`).
#[derive(Clone, Copy)]
pub(super) struct DaySlot {
    /// Whether the day is in the table (only then may its word be stored).
    pub(super) in_table: Value,
    pub(super) address: Value,
}

/// What a profile lookup does when the day is not in the table yet.
#[derive(Clone, Copy)]
enum Miss<'a> {
    /// Compute it here (in the item's profile function) and store it.
    Compute(&'a ClassesInfo),
    /// Call the item's profile function, which does.
    Call(cranelift_codegen::ir::FuncRef),
}

/// How a `classes` item's days are cut and its profiles packed.
pub(super) struct Segments {
    /// Start minute of each segment; the first is 0.
    pub(super) starts: Vec<u32>,
    /// Bits per segment: enough for "none" and every class.
    pub(super) bits: u32,
}

impl Segments {
    pub(super) fn of(info: &ClassesInfo) -> Result<Segments> {
        let mut starts: Vec<u32> = vec![0];
        for class in &info.classes {
            for span in &class.spans {
                starts.push(span.from);
                starts.push(span.to);
            }
        }
        starts.sort_unstable();
        starts.dedup();
        let values = info.classes.len() + 1;
        let bits = usize::BITS - (values - 1).leading_zeros();
        let bits = bits.max(1);
        if starts.len() as u32 * bits > 62 {
            return Err(CodegenError::Unsupported(
                "classes whose days have too many segments",
            ));
        }
        Ok(Segments { starts, bits })
    }

    fn end(&self, index: usize) -> u32 {
        self.starts
            .get(index + 1)
            .copied()
            .unwrap_or(DAY_MINUTES as u32)
    }
}

impl<'a, 'b> FunctionTranslator<'a, 'b> {
    /// `hours_in(start, end, class)`, `hours_on(day, start, end, class)`,
    /// `in_class(t, class)`.
    pub(super) fn translate_class_builtin(
        &mut self,
        builtin: Builtin,
        args: &'a [Expr],
        values: Vec<Val>,
    ) -> Result<Val> {
        let Some(ExprKind::Const(Const::Class { classes, class })) = args.last().map(|a| &a.kind)
        else {
            return Err(CodegenError::Unsupported("a class that is not written out"));
        };
        let (classes, class) = (*classes, *class);
        match (builtin, values.as_slice()) {
            (Builtin::HoursIn, [Val::Date(lo), Val::Date(hi), _]) => {
                let (lo, hi) = (*lo, *hi);
                // Classified already for this element of a fused loop.
                if let Some((.., minutes)) = self
                    .known_walks
                    .iter()
                    .find(|(c, d, l, h, _)| *c == classes && d.is_none() && *l == lo && *h == hi)
                {
                    let minutes = minutes
                        .get(class as usize)
                        .copied()
                        .ok_or(CodegenError::Internal("a class outside its item"))?;
                    return Ok(self.hours_of_minutes(minutes));
                }
                self.fail_if_reversed(lo, hi);
                let minutes = self.class_minutes(classes, class, lo, hi, None)?;
                Ok(self.hours_of_minutes(minutes))
            }
            (Builtin::HoursOn, [Val::Date(day), Val::Date(lo), Val::Date(hi), _]) => {
                let (day, lo, hi) = (*day, *lo, *hi);
                // Classified already for this day (`day_walks.rs`).
                if let Some((.., minutes)) = self.known_walks.iter().find(|(c, d, l, h, _)| {
                    *c == classes && *d == Some(day) && *l == lo && *h == hi
                }) {
                    let minutes = minutes
                        .get(class as usize)
                        .copied()
                        .ok_or(CodegenError::Internal("a class outside its item"))?;
                    return Ok(self.hours_of_minutes(minutes));
                }
                self.fail_if_reversed(lo, hi);
                let minutes = self.class_minutes(classes, class, lo, hi, Some(day))?;
                Ok(self.hours_of_minutes(minutes))
            }
            (Builtin::InClass, [Val::Date(t), _]) => {
                let t = *t;
                let next = self.builder.ins().iadd_imm_s(t, 1);
                let minutes = self.class_minutes(classes, class, t, next, None)?;
                Ok(Val::Bool(self.builder.ins().icmp_imm_s(
                    IntCC::Equal,
                    minutes,
                    1,
                )))
            }
            _ => Err(CodegenError::Internal("a class builtin of other values")),
        }
    }

    fn hours_of_minutes(&mut self, minutes: Value) -> Val {
        Val::Ratio {
            num: minutes,
            den: self.builder.ins().iconst(types::I64, 60),
            scale: 0,
        }
    }

    /// E0509 when `[lo, hi)` ends before it starts (`hours_in`, `days_of`).
    pub(super) fn fail_if_reversed(&mut self, lo: Value, hi: Value) {
        let reversed = self.builder.ins().icmp(IntCC::SignedLessThan, hi, lo);
        self.fail_if_because(reversed, NativeStatus::ReversedInterval);
    }

    /// Minutes of `[lo, hi)` (only those on `only_day`, if given) in class
    /// `class`: from the record's memo (`class_memo.rs`), or a loop over
    /// the days the interval touches.
    fn class_minutes(
        &mut self,
        classes: ClassesId,
        class: u32,
        lo: Value,
        hi: Value,
        only_day: Option<Value>,
    ) -> Result<Value> {
        let (lo, hi) = self.clip_to_day(lo, hi, only_day);
        let Some(memo) = self.class_memo(classes) else {
            let minutes = self.walk_days(classes, &[class], lo, hi)?;
            return minutes
                .first()
                .copied()
                .ok_or(CodegenError::Internal("a walk without its class"));
        };
        let every: Vec<u32> = match self.program.classes_info(classes) {
            Some(info) => (0..info.classes.len())
                .map(|c| u32::try_from(c).unwrap_or(u32::MAX))
                .collect(),
            None => return Err(CodegenError::Internal("a classes item that does not exist")),
        };
        self.memo_minutes(memo, &[class], lo, hi, |this| {
            this.walk_days(classes, &every, lo, hi)
        })?
        .first()
        .copied()
        .ok_or(CodegenError::Internal("a memo without its result"))
    }

    /// `[lo, hi)`, or its part on `only_day`.
    fn clip_to_day(&mut self, lo: Value, hi: Value, only_day: Option<Value>) -> (Value, Value) {
        match only_day {
            Some(day) => {
                let start = self.day_start(day);
                let end = self.builder.ins().iadd_imm_s(start, DAY_MINUTES);
                let lo = self.builder.ins().smax(lo, start);
                let hi = self.builder.ins().smin(hi, end);
                (lo, hi)
            }
            None => (lo, hi),
        }
    }

    /// Minutes of `[lo, hi)` (only those on `only_day`, if given) in every
    /// class of `classes`, in order, after `hours_in`'s (`hours_on`'s)
    /// check of the interval: one memo probe or walk, for calls that each
    /// ask for one class of the same interval (`fuse.rs`, `day_walks.rs`).
    /// `None` when the item has no memo here.
    pub(super) fn class_minutes_all(
        &mut self,
        classes: ClassesId,
        lo: Value,
        hi: Value,
        only_day: Option<Value>,
    ) -> Result<Option<Vec<Value>>> {
        let Some(memo) = self.class_memo(classes) else {
            return Ok(None);
        };
        let every: Vec<u32> = match self.program.classes_info(classes) {
            Some(info) => (0..info.classes.len())
                .map(|c| u32::try_from(c).unwrap_or(u32::MAX))
                .collect(),
            None => return Err(CodegenError::Internal("a classes item that does not exist")),
        };
        self.fail_if_reversed(lo, hi);
        let (lo, hi) = self.clip_to_day(lo, hi, only_day);
        let minutes = self.memo_minutes(memo, &every, lo, hi, |this| {
            this.walk_days(classes, &every, lo, hi)
        })?;
        Ok(Some(minutes))
    }

    /// Minutes of `[lo, hi)` in each class of `wanted`, in its order: one
    /// loop over the days the interval touches, the day's profile read
    /// once for all of them.
    fn walk_days(
        &mut self,
        classes: ClassesId,
        wanted: &[u32],
        lo: Value,
        hi: Value,
    ) -> Result<Vec<Value>> {
        let program = self.program;
        let info = program
            .classes_info(classes)
            .ok_or(CodegenError::Internal("a classes item that does not exist"))?;
        let segments = Segments::of(info)?;
        // Days from lo's to (hi − 1)'s; none when the interval is empty.
        let (first, last, empty) = self.days_of_interval(lo, hi);

        let header = self.builder.create_block();
        let body = self.builder.create_block();
        let done = self.builder.create_block();
        self.builder.append_block_param(header, types::I64); // day
        for _ in wanted {
            self.builder.append_block_param(header, types::I64); // minutes
            self.builder.append_block_param(done, types::I64);
        }
        let zero = self.builder.ins().iconst(types::I64, 0);
        let zeros: Vec<BlockArg> = wanted.iter().map(|_| zero.into()).collect();
        let mut start_args: Vec<BlockArg> = vec![first.into()];
        start_args.extend(zeros.iter().copied());
        self.builder
            .ins()
            .brif(empty, done, &zeros, header, &start_args);

        self.builder.switch_to_block(header);
        let params = self.builder.block_params(header).to_vec();
        let (day, totals) = params
            .split_first()
            .ok_or(CodegenError::Internal("a loop without its parameters"))?;
        let (day, mut totals) = (*day, totals.to_vec());
        self.builder.ins().jump(body, &[]);
        self.builder.seal_block(body);
        self.builder.switch_to_block(body);
        // The table is read here; only a day not yet in it calls the
        // item's profile function (or, inside that function, computes).
        let miss = match self.profiles.get(classes.0 as usize).copied().flatten() {
            Some(function) => Miss::Call(function),
            None => Miss::Compute(info),
        };
        let profile = self.day_profile(classes, miss, &segments, day)?;
        let day_lo = self.day_start(day);
        let mask = (1i64 << segments.bits) - 1;
        for index in 0..segments.starts.len() {
            let start = segments.starts.get(index).copied().unwrap_or(0);
            let shift = i64::from(index as u32 * segments.bits);
            let field = self.builder.ins().sshr_imm_s(profile, shift);
            let field = self.builder.ins().band_imm_s(field, mask);
            let seg_lo = self.builder.ins().iadd_imm_s(day_lo, i64::from(start));
            let seg_hi = self
                .builder
                .ins()
                .iadd_imm_s(day_lo, i64::from(segments.end(index)));
            let from = self.builder.ins().smax(lo, seg_lo);
            let to = self.builder.ins().smin(hi, seg_hi);
            let overlap = self.builder.ins().isub(to, from);
            let overlap = self.builder.ins().smax(overlap, zero);
            for (total, class) in totals.iter_mut().zip(wanted) {
                let ours =
                    self.builder
                        .ins()
                        .icmp_imm_s(IntCC::Equal, field, i64::from(*class) + 1);
                let counted = self.builder.ins().select(ours, overlap, zero);
                *total = self.builder.ins().iadd(*total, counted);
            }
        }
        let next = self.builder.ins().iadd_imm_s(day, 1);
        let more = self
            .builder
            .ins()
            .icmp(IntCC::SignedLessThanOrEqual, next, last);
        let mut loop_args: Vec<BlockArg> = vec![next.into()];
        loop_args.extend(totals.iter().map(|t| BlockArg::from(*t)));
        let done_args: Vec<BlockArg> = totals.iter().map(|t| BlockArg::from(*t)).collect();
        self.builder
            .ins()
            .brif(more, header, &loop_args, done, &done_args);
        self.builder.seal_block(header);
        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
        Ok(self.builder.block_params(done).to_vec())
    }

    /// The profile of `day` for `classes` item `index` (in its profile
    /// function).
    pub(super) fn profile_of(&mut self, index: usize, day: Value) -> Result<Value> {
        let program = self.program;
        let info = program
            .classes
            .get(index)
            .ok_or(CodegenError::Internal("a classes item that does not exist"))?;
        let segments = Segments::of(info)?;
        let id = ClassesId(u32::try_from(index).unwrap_or(u32::MAX));
        self.day_profile(id, Miss::Compute(info), &segments, day)
    }

    /// After a profile call: a negative result is a failed day rule's
    /// status, which this record returns.
    pub(super) fn fail_with_negative_status(&mut self, result: Value) {
        let failed = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedLessThan, result, 0);
        let exit = self.builder.create_block();
        let go_on = self.builder.create_block();
        self.builder.set_cold_block(exit);
        self.builder.ins().brif(failed, exit, &[], go_on, &[]);
        self.builder.seal_block(exit);
        self.builder.switch_to_block(exit);
        let status = self.builder.ins().ineg(result);
        let status = self.builder.ins().ireduce(types::I8, status);
        self.builder.ins().return_(&[status]);
        self.builder.seal_block(go_on);
        self.builder.switch_to_block(go_on);
    }

    /// Where `day`'s word lies in a per-day table of the module
    /// (`TABLE_DAYS` words from `TABLE_FIRST_DAY`; 0 means "not known
    /// yet"). Outside the table the address is the first day's, so that it
    /// can always be read; only `in_table` words may be stored.
    pub(super) fn day_slot(&mut self, table: GlobalValue, day: Value) -> DaySlot {
        let base = self.builder.ins().symbol_value(self.pointer_type, table);
        let index = self.builder.ins().iadd_imm_s(day, -TABLE_FIRST_DAY);
        let in_table = self
            .builder
            .ins()
            .icmp_imm_u(IntCC::UnsignedLessThan, index, TABLE_DAYS);
        let zero = self.builder.ins().iconst(types::I64, 0);
        let safe_index = self.builder.ins().select(in_table, index, zero);
        let offset = self.builder.ins().imul_imm_s(safe_index, 8);
        let address = self.builder.ins().iadd(base, offset);
        DaySlot { in_table, address }
    }

    /// `day`'s word of `table` where it is known: the returned block
    /// `done` receives it as its one parameter. The builder is left in the
    /// cold block of a miss (a day outside the table, or not known yet),
    /// where the caller finds the word and jumps to `done` with it.
    pub(super) fn read_day_word(&mut self, table: GlobalValue, day: Value) -> (DaySlot, Block) {
        let slot = self.day_slot(table, day);
        let look = self.builder.create_block();
        let miss = self.builder.create_block();
        let done = self.builder.create_block();
        self.builder.append_block_param(done, types::I64);
        self.builder.set_cold_block(miss);
        self.builder.ins().brif(slot.in_table, look, &[], miss, &[]);
        self.builder.seal_block(look);
        self.builder.switch_to_block(look);
        let word =
            self.builder
                .ins()
                .atomic_load(types::I64, MemFlagsData::trusted(), slot.address);
        let known = self.builder.ins().icmp_imm_s(IntCC::NotEqual, word, 0);
        self.builder
            .ins()
            .brif(known, done, &[word.into()], miss, &[]);
        self.builder.seal_block(miss);
        self.builder.switch_to_block(miss);
        (slot, done)
    }

    /// First minute of day `day`.
    fn day_start(&mut self, day: Value) -> Value {
        let before = self.builder.ins().iadd_imm_s(day, -1);
        self.checked_mul_const(before, DAY_MINUTES)
    }

    /// The profile of `day`: from the table when known, else computed
    /// (and stored, when the day is in the table).
    fn day_profile(
        &mut self,
        classes: ClassesId,
        miss: Miss<'a>,
        segments: &Segments,
        day: Value,
    ) -> Result<Value> {
        let flags = MemFlagsData::trusted();
        let table = self
            .class_tables
            .get(classes.0 as usize)
            .copied()
            .flatten()
            .ok_or(CodegenError::Internal("a classes item without its table"))?;
        let (slot, done) = self.read_day_word(table, day);
        let DaySlot { in_table, address } = slot;
        match miss {
            Miss::Compute(info) => {
                let packed = self.compute_profile(info, segments, day)?;
                // Stored plus one, so that 0 means "not computed yet".
                let word = self.builder.ins().iadd_imm_s(packed, 1);
                let store = self.builder.create_block();
                self.builder
                    .ins()
                    .brif(in_table, store, &[], done, &[word.into()]);
                self.builder.seal_block(store);
                self.builder.switch_to_block(store);
                self.builder.ins().atomic_store(flags, word, address);
                self.builder.ins().jump(done, &[word.into()]);
            }
            Miss::Call(function) => {
                // The function stores what it computes.
                let call = self.builder.ins().call(function, &[day]);
                let result = self
                    .builder
                    .inst_results(call)
                    .first()
                    .copied()
                    .ok_or(CodegenError::Internal("a profile call without its result"))?;
                self.fail_with_negative_status(result);
                let word = self.builder.ins().iadd_imm_s(result, 1);
                self.builder.ins().jump(done, &[word.into()]);
            }
        }
        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
        let word = match self.builder.block_params(done) {
            [w] => *w,
            _ => return Err(CodegenError::Internal("a profile without its word")),
        };
        Ok(self.builder.ins().iadd_imm_s(word, -1))
    }

    /// The packed profile of `day`: for each segment, 1 + the first class
    /// holding it, or 0.
    fn compute_profile(
        &mut self,
        info: &'a ClassesInfo,
        segments: &Segments,
        day: Value,
    ) -> Result<Value> {
        // Per segment, the value found so far (0: none yet); classes are
        // visited last to first so that the first class listed wins.
        let zero = self.builder.ins().iconst(types::I64, 0);
        let mut found: Vec<Value> = vec![zero; segments.starts.len()];
        for (class_index, class) in info.classes.iter().enumerate().rev() {
            let tag = self
                .builder
                .ins()
                .iconst(types::I64, class_index as i64 + 1);
            for span in &class.spans {
                let holds = self.span_on_day(span, day, segments)?;
                for (slot, held) in found.iter_mut().zip(holds) {
                    if let Some(held) = held {
                        *slot = self.builder.ins().select(held, tag, *slot);
                    }
                }
            }
        }
        let mut packed = zero;
        for (index, value) in found.into_iter().enumerate() {
            let shifted = self
                .builder
                .ins()
                .ishl_imm_u(value, i64::from(index as u32 * segments.bits));
            packed = self.builder.ins().bor(packed, shifted);
        }
        Ok(packed)
    }

    /// For each segment of `day`, an `I8` that is 1 when `span` holds the
    /// segment's first minute (`None`: never).
    fn span_on_day(
        &mut self,
        span: &WindowSpan,
        day: Value,
        segments: &Segments,
    ) -> Result<Vec<Option<Value>>> {
        let starts_today = self.selects(span.on, day)?;
        // The span started today holds [from, its end on this day).
        let today_end = match span.until {
            None if span.to > span.from => span.to,
            _ => DAY_MINUTES as u32,
        };
        // From an earlier start: `carried` holds [0, to); `all_day` the
        // whole day.
        let (carried, all_day) = match span.until {
            None if span.to <= span.from => {
                let yesterday = self.builder.ins().iadd_imm_s(day, -1);
                (Some(self.selects(span.on, yesterday)?), None)
            }
            None => (None, None),
            Some(until) => {
                let (reached, ends_today) = self.walk_back(span.on, until, day)?;
                let not_ending = self.builder.ins().bxor_imm_s(ends_today, 1);
                let all_day = self.builder.ins().band(reached, not_ending);
                (Some(reached), Some(all_day))
            }
        };
        let mut holds = Vec::with_capacity(segments.starts.len());
        for &start in &segments.starts {
            let mut held: Option<Value> = None;
            let mut or = |this: &mut Self, v: Value| {
                held = Some(match held {
                    Some(h) => this.builder.ins().bor(h, v),
                    None => v,
                });
            };
            if span.from <= start && start < today_end {
                or(self, starts_today);
            }
            if let Some(c) = carried
                && start < span.to
            {
                or(self, c);
            }
            if let Some(a) = all_day {
                or(self, a);
            }
            holds.push(held);
        }
        Ok(holds)
    }

    /// For a span with `on next`, whether a start before `day` reaches it
    /// (an `I8`), and whether the span that does ends on `day` (an `I8`:
    /// `day` is an end day, or the 14-day cap ends it there). Walks back
    /// from `day − 1` until a start day (found) or an end day (none), at
    /// most `MAX_SPAN_DAYS` days.
    fn walk_back(
        &mut self,
        on: DaySelector,
        until: DaySelector,
        day: Value,
    ) -> Result<(Value, Value)> {
        let end_today = self.selects(until, day)?;
        let header = self.builder.create_block();
        let body = self.builder.create_block();
        let done = self.builder.create_block();
        self.builder.append_block_param(header, types::I64); // k
        self.builder.append_block_param(done, types::I8); // reached
        self.builder.append_block_param(done, types::I8); // capped
        let one = self.builder.ins().iconst(types::I64, 1);
        self.builder.ins().jump(header, &[one.into()]);
        self.builder.switch_to_block(header);
        let k = match self.builder.block_params(header) {
            [k] => *k,
            _ => return Err(CodegenError::Internal("a loop without its counter")),
        };
        self.builder.ins().jump(body, &[]);
        self.builder.seal_block(body);
        self.builder.switch_to_block(body);
        let anchor = self.builder.ins().isub(day, k);
        // Days strictly between the anchor and `day`: the newest one is
        // anchor + 1, tested from k = 2 on.
        let between = self.builder.ins().iadd_imm_s(anchor, 1);
        let ended = self.selects(until, between)?;
        let past_first = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThan, k, 1);
        let blocked = self.builder.ins().band(ended, past_first);
        let started = self.selects(on, anchor)?;
        let no = self.builder.ins().iconst(types::I8, 0);
        let capped = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::Equal, k, MAX_SPAN_DAYS);
        let next = self.builder.ins().iadd_imm_s(k, 1);
        let last = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, k, MAX_SPAN_DAYS);
        // blocked → (0, 0); started → (1, capped); last → (0, 0); else loop.
        let found_block = self.builder.create_block();
        let continue_block = self.builder.create_block();
        let finished = self.builder.create_block();
        self.builder
            .ins()
            .brif(blocked, done, &[no.into(), no.into()], finished, &[]);
        self.builder.seal_block(finished);
        self.builder.switch_to_block(finished);
        self.builder
            .ins()
            .brif(started, found_block, &[], continue_block, &[]);
        self.builder.seal_block(found_block);
        self.builder.switch_to_block(found_block);
        let yes = self.builder.ins().iconst(types::I8, 1);
        self.builder.ins().jump(done, &[yes.into(), capped.into()]);
        self.builder.seal_block(continue_block);
        self.builder.switch_to_block(continue_block);
        self.builder
            .ins()
            .brif(last, done, &[no.into(), no.into()], header, &[next.into()]);
        self.builder.seal_block(header);
        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
        let (reached, capped) = match self.builder.block_params(done) {
            [r, c] => (*r, *c),
            _ => return Err(CodegenError::Internal("a walk without its results")),
        };
        let ends = self.builder.ins().bor(end_today, capped);
        Ok((reached, ends))
    }

    /// An `I8`: whether `selector` selects `day` (its rule, inlined). A
    /// day off the calendar is selected by no rule, as in the interpreter
    /// (`eval/time_builtins.rs`): its rule is not run.
    fn selects(&mut self, selector: DaySelector, day: Value) -> Result<Value> {
        let func = match selector {
            DaySelector::Every => return Ok(self.builder.ins().iconst(types::I8, 1)),
            DaySelector::Rule(func) => func,
        };
        let program = self.program;
        let function = program
            .function(func)
            .ok_or(CodegenError::Internal("a day rule that does not exist"))?;
        let mut frame = vec![None; (function.n_locals as usize).max(1)];
        if let Some(slot) = frame.first_mut() {
            *slot = Some(Val::Date(day));
        }
        let after_first = self.builder.ins().icmp_imm_s(
            IntCC::SignedGreaterThanOrEqual,
            day,
            super::calendar::min_day(),
        );
        let before_last = self.builder.ins().icmp_imm_s(
            IntCC::SignedLessThanOrEqual,
            day,
            super::calendar::max_day(),
        );
        let on_calendar = self.builder.ins().band(after_first, before_last);
        let ask = self.builder.create_block();
        let done = self.builder.create_block();
        self.builder.append_block_param(done, types::I8);
        let no = self.builder.ins().iconst(types::I8, 0);
        self.builder
            .ins()
            .brif(on_calendar, ask, &[], done, &[no.into()]);
        self.builder.seal_block(ask);
        self.builder.switch_to_block(ask);
        let selected = match self.enter(function, frame)? {
            Val::Bool(b) => b,
            _ => return Err(CodegenError::Internal("a day rule that is not a Bool")),
        };
        self.builder.ins().jump(done, &[selected.into()]);
        self.builder.seal_block(done);
        self.builder.switch_to_block(done);
        match self.builder.block_params(done) {
            [selected] => Ok(*selected),
            _ => Err(CodegenError::Internal("a day rule without its answer")),
        }
    }
}
