//! W1 records checked by hand, from the workload's definition
//! (`../shared/bench/W1-payroll-month.md`), independently of both the
//! Avtal sources and the fraction oracle in `tests/oracle/`.

mod common;

use common::{avtal, scratch, workspace, write};

const HEADER: &str = "id,period,salary,rate,supplement,vacation_days,division,flex_transition,reserve_days,reserve_days_ytd,reserve_reason,reserve_pay,mertid_ytd,overtime_ytd,appointment,service_years";

#[test]
fn four_population_records_computed_by_hand() {
    let dir = scratch("w1_by_hand");
    let input = [
        HEADER,
        // Row 29 of the bundled population. 2027-09: G = 1759.
        // 4.6 % × 29166.88 = 1341.67648; + 348.76 = 1690.43648;
        // 1759 − 1690.43648 = 68.56352 → 68.56 per day × 23 days = 1576.88.
        // Flex 1.7 % × 29166.88 = 495.83696 → 495.84; TSN 0.2 % = 58.33376 → 58.33.
        // Room 200 − (225.2 + 103.2) = −128.4 (violation).
        // 7 years: LAS gives 4, agreement 4 → 4 months; 2027-09-01 + 4 = 2028-01-01.
        "29,2027-09-01,29166.88,100.00,348.76,23,I,false,0,0,plan,0.00,225.2,103.2,tillsvidare,7",
        // Row 39. 2026-08: 1709 × 97.71 % = 1669.8639; 4.6 % × 23766.43 = 1093.25578;
        // + 169.84 = 1263.09578; difference 406.76812 → 406.77 × 11 = 4474.47.
        // Flex 1.6 % = 380.26288 → 380.26; TSN 47.53286 → 47.53.
        // 8 years: LAS 5 months; 2026-08-01 + 5 = 2027-01-01.
        "39,2026-08-01,23766.43,97.71,169.84,11,I,false,0,0,readiness,0.00,143.7,191.6,tillsvidare,8",
        // Row 28. Reserve duty, 10 days, 20 already topped up → 5 eligible.
        // Day salary 44105.57 × 12 / 365 = 1450.046136…; × 5 = 7250.230685…;
        // pay 383.08 × 5 / 10 = 191.54; 7058.690685… → 7058.69.
        // Guarantee: 4.6 % × 44105.57 = 2028.85622 > 1759 → 0.00.
        "28,2027-12-01,44105.57,100.00,450.30,24,I,false,10,20,duty,383.08,185.7,211.4,tillsvidare,4",
        // Row 16. Fullmakt: 6 months; 2027-11-01 + 6 = 2028-05-01.
        // Flex 1.7 % × 70829.76 = 1204.10592 → 1204.11; TSN 141.65952 → 141.66.
        "16,2027-11-01,70829.76,100.00,65.02,0,I,false,0,0,other,0.00,143.2,171.0,fullmakt,5",
    ]
    .join("\n");
    let input_path = write(&dir, "input.csv", &format!("{input}\n"));
    let out = dir.join("out.csv");
    let agreement = workspace().join("examples/w1_payroll_month.avtal");
    avtal(
        &workspace(),
        &[
            "run",
            agreement.to_str().unwrap_or_default(),
            "--input",
            input_path.to_str().unwrap_or_default(),
            "--output",
            out.to_str().unwrap_or_default(),
        ],
    )
    .expect_code(0);
    let written = std::fs::read_to_string(&out).unwrap_or_default();
    assert_eq!(
        written,
        "id,vacation_guarantee,flex_premium,tsn_fee,reserve_topup,overtime_room,overtime_violation,notice_months,notice_end\n\
         29,1576.88,495.84,58.33,0.00,-128.40,true,4,2028-01-01\n\
         39,4474.47,380.26,47.53,0.00,-135.30,true,5,2027-01-01\n\
         28,0.00,749.79,88.21,7058.69,-197.10,true,4,2028-04-01\n\
         16,0.00,1204.11,141.66,0.00,-114.20,true,6,2028-05-01\n"
    );
}
