//! CVSS v4.0 scores from vector strings, per the FIRST CVSS v4.0
//! specification (<https://www.first.org/cvss/v4.0/specification-document>).
//!
//! A v4.0 score is not a formula over metric weights as in v3.x. The
//! specification's scoring section groups the metrics into six *equivalence
//! sets* EQ1–EQ6 (its Tables 24–29); the level of each set, written as six digits,
//! is the vector's *MacroVector* (`"001100"`). FIRST's experts ranked the 270
//! MacroVectors that can occur and published one score for each
//! ([`MACROVECTOR_SCORES`]). That score belongs to the most severe vectors of
//! the MacroVector; a vector further from them scores lower, by
//! interpolating towards the next lower MacroVector of each set (the
//! specification's severity distances and interpolation steps):
//!
//! 1. for each set, the *maximal scoring difference* is the MacroVector's
//!    score minus the score of the next lower MacroVector in that set (sets
//!    without a lower MacroVector are left out);
//! 2. the vector's *severity distance* in the set is the sum, over the set's
//!    metrics, of how many levels each value lies below the value of a
//!    highest-severity vector of the MacroVector ([`highest_vectors`]);
//! 3. that distance divided by the MacroVector's depth in the set
//!    ([`depth`]) gives the proportion of the scoring difference to take off;
//! 4. the mean of these reductions over the sets that have a lower
//!    MacroVector (EQ5 counts, with no reduction: E has no severity distance)
//!    is subtracted from the MacroVector's score, and the result is rounded
//!    half up to one decimal.
//!
//! A vector whose vulnerable- and subsequent-system impacts are all None
//! scores 0.0.
//!
//! Threat (`E`) and Environmental metrics (`CR`, `IR`, `AR`, `MAV`…`MSA`) are
//! scored when present: a Modified metric other than `X` replaces its Base
//! metric, `E:X` counts as `E:A` (Attacked) and `CR/IR/AR:X` as High, the
//! worst cases the specification assumes for Not Defined. The result is
//! CVSS-B, -BT, -BE or -BTE ([`Nomenclature`]) depending on what the vector
//! defines. Supplemental metrics (`S`, `AU`, `R`, `V`, `RE`, `U`) are checked
//! but never change the score.
//!
//! Parsing is strict about content and lenient about order: the prefix must
//! be `CVSS:4.0/`, every Base metric must be present once, every metric and
//! value must be one the specification defines, and no metric may repeat;
//! metrics may appear in any order, as the reference implementations accept.
//! Malformed input is an error ([`CvssError`]), never a panic.
//!
//! The lookup table, the highest-severity vectors and the depths are the
//! values FIRST publishes with the specification and its calculator
//! (`cvss_lookup.js`, `max_composed.js`, `max_severity.js`); the code is our
//! own.

use std::fmt;

use crate::osv::CvssError;

/// Which metric groups a score reflects (the specification's "CVSS
/// Nomenclature").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nomenclature {
    /// Base metrics only.
    B,
    /// Base and Threat metrics.
    BT,
    /// Base and Environmental metrics.
    BE,
    /// Base, Threat and Environmental metrics.
    BTE,
}

impl Nomenclature {
    /// `CVSS-B`, `CVSS-BT`, `CVSS-BE` or `CVSS-BTE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Nomenclature::B => "CVSS-B",
            Nomenclature::BT => "CVSS-BT",
            Nomenclature::BE => "CVSS-BE",
            Nomenclature::BTE => "CVSS-BTE",
        }
    }
}

/// The levels of EQ1–EQ6 (0 is the most severe level of each set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MacroVector(pub [u8; 6]);

impl fmt::Display for MacroVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0 {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// A scored CVSS v4.0 vector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cvss4Score {
    /// The score, 0.0 to 10.0, one decimal.
    pub score: f64,
    /// Which metric groups the score reflects.
    pub nomenclature: Nomenclature,
    /// The vector's MacroVector.
    pub macro_vector: MacroVector,
}

/// One metric a v4.0 vector may carry: its abbreviation and its values
/// (the specification's "Vector String" section). `X` is Not Defined.
struct MetricDef {
    key: &'static str,
    values: &'static [&'static str],
}

const fn def(key: &'static str, values: &'static [&'static str]) -> MetricDef {
    MetricDef { key, values }
}

const IMPACT: &[&str] = &["H", "L", "N"];
const MOD_IMPACT: &[&str] = &["X", "H", "L", "N"];
const MOD_SAFETY_IMPACT: &[&str] = &["X", "S", "H", "L", "N"];
const REQUIREMENT: &[&str] = &["X", "H", "M", "L"];

/// Every metric of the specification, in its vector-string order.
const METRICS: [MetricDef; 32] = [
    // Base (mandatory).
    def("AV", &["N", "A", "L", "P"]),
    def("AC", &["L", "H"]),
    def("AT", &["N", "P"]),
    def("PR", &["N", "L", "H"]),
    def("UI", &["N", "P", "A"]),
    def("VC", IMPACT),
    def("VI", IMPACT),
    def("VA", IMPACT),
    def("SC", IMPACT),
    def("SI", IMPACT),
    def("SA", IMPACT),
    // Threat.
    def("E", &["X", "A", "P", "U"]),
    // Environmental.
    def("CR", REQUIREMENT),
    def("IR", REQUIREMENT),
    def("AR", REQUIREMENT),
    def("MAV", &["X", "N", "A", "L", "P"]),
    def("MAC", &["X", "L", "H"]),
    def("MAT", &["X", "N", "P"]),
    def("MPR", &["X", "N", "L", "H"]),
    def("MUI", &["X", "N", "P", "A"]),
    def("MVC", MOD_IMPACT),
    def("MVI", MOD_IMPACT),
    def("MVA", MOD_IMPACT),
    def("MSC", MOD_IMPACT),
    def("MSI", MOD_SAFETY_IMPACT),
    def("MSA", MOD_SAFETY_IMPACT),
    // Supplemental: checked, never scored.
    def("S", &["X", "N", "P"]),
    def("AU", &["X", "N", "Y"]),
    def("R", &["X", "A", "U", "I"]),
    def("V", &["X", "D", "C"]),
    def("RE", &["X", "L", "M", "H"]),
    def("U", &["X", "Clear", "Green", "Amber", "Red"]),
];

/// Number of Base metrics: the first entries of [`METRICS`].
const BASE_COUNT: usize = 11;
/// Index of `E` in [`METRICS`].
const THREAT: usize = 11;
/// Indexes of the Environmental metrics in [`METRICS`].
const ENVIRONMENTAL: std::ops::Range<usize> = 12..26;
/// Offset from a Base metric to its Modified metric (`AV` → `MAV`).
const MODIFIED_OFFSET: usize = 15;
/// Indexes of `CR`, `IR`, `AR`.
const REQUIREMENTS: [usize; 3] = [12, 13, 14];

/// The values of a parsed vector, by [`METRICS`] index.
type Values = [Option<&'static str>; 32];

fn parse(vector: &str) -> Result<Values, CvssError> {
    let body = vector
        .strip_prefix("CVSS:4.0/")
        .ok_or_else(|| CvssError::Version(vector.to_owned()))?;
    let mut values: Values = [None; 32];
    for part in body.split('/') {
        let bad = || CvssError::Metric(part.to_owned());
        let (key, value) = part.split_once(':').ok_or_else(bad)?;
        let (slot, metric) = values
            .iter_mut()
            .zip(&METRICS)
            .find(|(_, m)| m.key == key)
            .ok_or_else(bad)?;
        let value = metric
            .values
            .iter()
            .find(|v| **v == value)
            .ok_or_else(bad)?;
        if slot.is_some() {
            return Err(CvssError::Duplicate(key.to_owned()));
        }
        *slot = Some(value);
    }
    for (value, metric) in values.iter().zip(&METRICS).take(BASE_COUNT) {
        if value.is_none() {
            return Err(CvssError::Missing(metric.key));
        }
    }
    Ok(values)
}

/// Severity levels of the scored metrics after applying Modified metrics and
/// the Not Defined defaults; 0 is the most severe value of each metric
/// (the calculator's "levels", in steps of one instead of 0.1).
#[derive(Debug, Clone, Copy)]
struct Levels {
    /// N A L P
    av: u8,
    /// L H
    ac: u8,
    /// N P
    at: u8,
    /// N L H
    pr: u8,
    /// N P A
    ui: u8,
    /// H L N, for VC VI VA
    vc: u8,
    vi: u8,
    va: u8,
    /// S H L N, for SC SI SA (only MSI and MSA can be S)
    sc: u8,
    si: u8,
    sa: u8,
    /// H M L, for CR IR AR
    cr: u8,
    ir: u8,
    ar: u8,
    /// A P U
    e: u8,
}

/// Subsequent-system impacts from most to least severe; `S` (Safety) only
/// comes from MSI and MSA.
const SUB: &[&str] = &["S", "H", "L", "N"];
/// Security requirements from most to least severe.
const REQ: &[&str] = &["H", "M", "L"];
/// The level of None for VC, VI, VA and for SC, SI, SA.
const NONE_VULN: u8 = 2;
const NONE_SUB: u8 = 3;

impl Levels {
    fn from_values(values: &Values) -> Levels {
        let get = |i: usize| values.get(i).copied().flatten();
        // A Modified metric other than X replaces its Base metric.
        let effective = |base: usize| {
            get(base + MODIFIED_OFFSET)
                .filter(|v| *v != "X")
                .or_else(|| get(base))
                .unwrap_or_default()
        };
        let level = |value: &str, order: &[&str]| {
            order
                .iter()
                .position(|o| *o == value)
                .and_then(|p| u8::try_from(p).ok())
                .unwrap_or_default()
        };
        // X (or absent) requirements count as High, X exploit maturity as Attacked.
        let requirement = |i: usize| level(get(i).filter(|v| *v != "X").unwrap_or("H"), REQ);
        let [cr, ir, ar] = REQUIREMENTS.map(requirement);
        Levels {
            av: level(effective(0), &["N", "A", "L", "P"]),
            ac: level(effective(1), &["L", "H"]),
            at: level(effective(2), &["N", "P"]),
            pr: level(effective(3), &["N", "L", "H"]),
            ui: level(effective(4), &["N", "P", "A"]),
            vc: level(effective(5), IMPACT),
            vi: level(effective(6), IMPACT),
            va: level(effective(7), IMPACT),
            sc: level(effective(8), SUB),
            si: level(effective(9), SUB),
            sa: level(effective(10), SUB),
            cr,
            ir,
            ar,
            e: level(
                get(THREAT).filter(|v| *v != "X").unwrap_or("A"),
                &["A", "P", "U"],
            ),
        }
    }

    /// The equivalence sets of the specification's Tables 24–29.
    fn macro_vector(&self) -> MacroVector {
        // Level 0 is N for AV, PR, UI; H for VC, VI, VA and CR, IR, AR.
        const TOP: u8 = 0;
        const AV_PHYSICAL: u8 = 3;
        const SUB_SAFETY: u8 = 0;
        const SUB_HIGH: u8 = 1;
        // EQ1: 0 AV:N and PR:N and UI:N; 1 one of them N but not AV:P; 2 otherwise.
        let eq1 = if self.av == TOP && self.pr == TOP && self.ui == TOP {
            0
        } else if (self.av == TOP || self.pr == TOP || self.ui == TOP) && self.av != AV_PHYSICAL {
            1
        } else {
            2
        };
        // EQ2: 0 AC:L and AT:N; 1 otherwise.
        let eq2 = u8::from(!(self.ac == TOP && self.at == TOP));
        // EQ3: 0 VC:H and VI:H; 1 one of VC, VI, VA is H; 2 otherwise.
        let eq3 = if self.vc == TOP && self.vi == TOP {
            0
        } else if self.vc == TOP || self.vi == TOP || self.va == TOP {
            1
        } else {
            2
        };
        // EQ4: 0 MSI:S or MSA:S; 1 one of SC, SI, SA is H; 2 otherwise.
        let eq4 = if self.si == SUB_SAFETY || self.sa == SUB_SAFETY {
            0
        } else if self.sc == SUB_HIGH || self.si == SUB_HIGH || self.sa == SUB_HIGH {
            1
        } else {
            2
        };
        // EQ5: the exploit maturity, A P U.
        let eq5 = self.e;
        // EQ6: 0 a High requirement on a High impact; 1 otherwise.
        let eq6 = u8::from(
            !((self.cr == TOP && self.vc == TOP)
                || (self.ir == TOP && self.vi == TOP)
                || (self.ar == TOP && self.va == TOP)),
        );
        MacroVector([eq1, eq2, eq3, eq4, eq5, eq6])
    }
}

/// The score of a MacroVector in tenths, `None` for MacroVectors that cannot
/// occur (EQ3 level 2 with EQ6 level 0) or do not exist (a level past the
/// last, asked for as "next lower").
fn macro_score(mv: [u8; 6]) -> Option<i16> {
    let mut key = [b'0'; 6];
    for (k, d) in key.iter_mut().zip(mv) {
        *k = b'0'.checked_add(d).filter(u8::is_ascii_digit)?;
    }
    let key = std::str::from_utf8(&key).ok()?;
    MACROVECTOR_SCORES
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .and_then(|i| MACROVECTOR_SCORES.get(i))
        .map(|(_, s)| i16::from(*s))
}

/// The highest-severity vectors of a MacroVector, per set, as levels
/// (FIRST calculator data `max_composed.js`). EQ1: (AV, PR, UI); EQ2:
/// (AC, AT); EQ3+EQ6: (VC, VI, VA, CR, IR, AR); EQ4: (SC, SI, SA).
fn highest_vectors(mv: [u8; 6]) -> HighestVectors {
    let [eq1, eq2, eq3, eq4, _, eq6] = mv;
    let eq1: &[[u8; 3]] = match eq1 {
        0 => &[[0, 0, 0]],
        1 => &[[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        _ => &[[3, 0, 0], [1, 1, 1]],
    };
    let eq2: &[[u8; 2]] = match eq2 {
        0 => &[[0, 0]],
        _ => &[[1, 0], [0, 1]],
    };
    let eq3eq6: &[[u8; 6]] = match (eq3, eq6) {
        (0, 0) => &[[0, 0, 0, 0, 0, 0]],
        (0, _) => &[[0, 0, 1, 1, 1, 0], [0, 0, 0, 1, 1, 1]],
        (1, 0) => &[[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0]],
        (1, _) => &[
            [1, 0, 1, 0, 1, 0],
            [1, 0, 0, 0, 1, 1],
            [0, 1, 0, 1, 0, 1],
            [0, 1, 1, 1, 0, 0],
            [1, 1, 0, 0, 0, 1],
        ],
        _ => &[[1, 1, 1, 0, 0, 0]],
    };
    let eq4: &[[u8; 3]] = match eq4 {
        0 => &[[1, 0, 0]],
        1 => &[[1, 1, 1]],
        _ => &[[2, 2, 2]],
    };
    HighestVectors {
        eq1,
        eq2,
        eq3eq6,
        eq4,
    }
}

struct HighestVectors {
    eq1: &'static [[u8; 3]],
    eq2: &'static [[u8; 2]],
    eq3eq6: &'static [[u8; 6]],
    eq4: &'static [[u8; 3]],
}

/// The depth of a MacroVector in each set: its largest severity distance
/// plus one (FIRST calculator data `max_severity.js`). EQ5 has depth 1 and
/// its distance is always 0.
fn depth(mv: [u8; 6]) -> [u8; 4] {
    let [eq1, eq2, eq3, eq4, _, eq6] = mv;
    [
        match eq1 {
            0 => 1,
            1 => 4,
            _ => 5,
        },
        match eq2 {
            0 => 1,
            _ => 2,
        },
        match (eq3, eq6) {
            (0, 0) => 7,
            (0, _) => 6,
            (1, _) => 8,
            _ => 10,
        },
        match eq4 {
            0 => 6,
            1 => 5,
            _ => 4,
        },
    ]
}

/// Severity distances of `l` from the first highest-severity vector that
/// is at or above it in every metric (the last one when none is), per set:
/// EQ1, EQ2, EQ3+EQ6, EQ4.
fn severity_distances(l: &Levels, mv: [u8; 6]) -> [i16; 4] {
    let hv = highest_vectors(mv);
    let diff = |a: u8, b: u8| i16::from(a) - i16::from(b);
    let mut last = None;
    for m1 in hv.eq1 {
        for m2 in hv.eq2 {
            for m36 in hv.eq3eq6 {
                for m4 in hv.eq4 {
                    let d = [
                        diff(l.av, m1[0]),
                        diff(l.pr, m1[1]),
                        diff(l.ui, m1[2]),
                        diff(l.ac, m2[0]),
                        diff(l.at, m2[1]),
                        diff(l.vc, m36[0]),
                        diff(l.vi, m36[1]),
                        diff(l.va, m36[2]),
                        diff(l.cr, m36[3]),
                        diff(l.ir, m36[4]),
                        diff(l.ar, m36[5]),
                        diff(l.sc, m4[0]),
                        diff(l.si, m4[1]),
                        diff(l.sa, m4[2]),
                    ];
                    let sums = [
                        d[0] + d[1] + d[2],
                        d[3] + d[4],
                        d[5..11].iter().sum(),
                        d[11] + d[12] + d[13],
                    ];
                    if d.iter().all(|x| *x >= 0) {
                        return sums;
                    }
                    last = Some(sums);
                }
            }
        }
    }
    last.unwrap_or_default()
}

/// The score in tenths, before rounding, of levels in MacroVector `mv`;
/// `None` only if `mv` had no score (cannot happen for levels of a parsed
/// vector).
fn interpolate(l: &Levels, mv: [u8; 6]) -> Option<f64> {
    let value = macro_score(mv)?;
    let [eq1, eq2, eq3, eq4, eq5, eq6] = mv;
    let lower = |m: [u8; 6]| macro_score(m);
    let eq3eq6_lower = match (eq3, eq6) {
        // Two ways down; the calculator takes the higher-scoring one.
        (0, 0) => lower([eq1, eq2, 0, eq4, eq5, 1]).max(lower([eq1, eq2, 1, eq4, eq5, 0])),
        (0 | 1, 1) => lower([eq1, eq2, eq3 + 1, eq4, eq5, 1]),
        (1, 0) => lower([eq1, eq2, 1, eq4, eq5, 1]),
        _ => None,
    };
    let lowers = [
        lower([eq1 + 1, eq2, eq3, eq4, eq5, eq6]),
        lower([eq1, eq2 + 1, eq3, eq4, eq5, eq6]),
        eq3eq6_lower,
        lower([eq1, eq2, eq3, eq4 + 1, eq5, eq6]),
    ];
    let distances = severity_distances(l, mv);
    let depths = depth(mv);
    let mut reduction = 0.0;
    let mut sets = 0u8;
    for ((low, dist), dep) in lowers.iter().zip(distances).zip(depths) {
        if let Some(low) = low {
            sets += 1;
            reduction += f64::from(value - low) * f64::from(dist) / f64::from(dep);
        }
    }
    // EQ5 takes part in the mean with a zero reduction when it has a lower level.
    if lower([eq1, eq2, eq3, eq4, eq5 + 1, eq6]).is_some() {
        sets += 1;
    }
    let mean = if sets == 0 {
        0.0
    } else {
        reduction / f64::from(sets)
    };
    Some((f64::from(value) - mean).clamp(0.0, 100.0))
}

/// Scores a CVSS v4.0 vector (`CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/...`).
pub fn score(vector: &str) -> Result<Cvss4Score, CvssError> {
    let values = parse(vector)?;
    let defined = |i: usize| values.get(i).copied().flatten().is_some_and(|v| v != "X");
    let nomenclature = match (defined(THREAT), ENVIRONMENTAL.clone().any(defined)) {
        (false, false) => Nomenclature::B,
        (true, false) => Nomenclature::BT,
        (false, true) => Nomenclature::BE,
        (true, true) => Nomenclature::BTE,
    };
    let levels = Levels::from_values(&values);
    let macro_vector = levels.macro_vector();
    let no_impact = [levels.vc, levels.vi, levels.va] == [NONE_VULN; 3]
        && [levels.sc, levels.si, levels.sa] == [NONE_SUB; 3];
    let score = if no_impact {
        0.0
    } else {
        let tenths = interpolate(&levels, macro_vector.0)
            .ok_or_else(|| CvssError::Metric(vector.to_owned()))?;
        // Round half up; the small lift keeps x.x5 on the upper side as the
        // calculator does.
        (tenths + 0.5 + 1e-5).floor() / 10.0
    };
    Ok(Cvss4Score {
        score,
        nomenclature,
        macro_vector,
    })
}

/// The score of every MacroVector that can occur, in tenths, sorted by
/// MacroVector: the table published with the CVSS v4.0 specification
/// (FIRST calculator data `cvss_lookup.js`).
#[rustfmt::skip]
pub const MACROVECTOR_SCORES: [(&str, u8); 270] = [
    ("000000", 100), ("000001", 99), ("000010", 98), ("000011", 95), ("000020", 95), ("000021", 92),
    ("000100", 100), ("000101", 96), ("000110", 93), ("000111", 87), ("000120", 91), ("000121", 81),
    ("000200", 93), ("000201", 90), ("000210", 89), ("000211", 80), ("000220", 81), ("000221", 68),
    ("001000", 98), ("001001", 95), ("001010", 95), ("001011", 92), ("001020", 90), ("001021", 84),
    ("001100", 93), ("001101", 92), ("001110", 89), ("001111", 81), ("001120", 81), ("001121", 65),
    ("001200", 88), ("001201", 80), ("001210", 78), ("001211", 70), ("001220", 69), ("001221", 48),
    ("002001", 92), ("002011", 82), ("002021", 72), ("002101", 79), ("002111", 69), ("002121", 50),
    ("002201", 69), ("002211", 55), ("002221", 27), ("010000", 99), ("010001", 97), ("010010", 95),
    ("010011", 92), ("010020", 92), ("010021", 85), ("010100", 95), ("010101", 91), ("010110", 90),
    ("010111", 83), ("010120", 84), ("010121", 71), ("010200", 92), ("010201", 81), ("010210", 82),
    ("010211", 71), ("010220", 72), ("010221", 53), ("011000", 95), ("011001", 93), ("011010", 92),
    ("011011", 85), ("011020", 85), ("011021", 73), ("011100", 92), ("011101", 82), ("011110", 80),
    ("011111", 72), ("011120", 70), ("011121", 59), ("011200", 84), ("011201", 70), ("011210", 71),
    ("011211", 52), ("011220", 50), ("011221", 30), ("012001", 86), ("012011", 75), ("012021", 52),
    ("012101", 71), ("012111", 52), ("012121", 29), ("012201", 63), ("012211", 29), ("012221", 17),
    ("100000", 98), ("100001", 95), ("100010", 94), ("100011", 87), ("100020", 91), ("100021", 81),
    ("100100", 94), ("100101", 89), ("100110", 86), ("100111", 74), ("100120", 77), ("100121", 64),
    ("100200", 87), ("100201", 75), ("100210", 74), ("100211", 63), ("100220", 63), ("100221", 49),
    ("101000", 94), ("101001", 89), ("101010", 88), ("101011", 77), ("101020", 76), ("101021", 67),
    ("101100", 86), ("101101", 76), ("101110", 74), ("101111", 58), ("101120", 59), ("101121", 50),
    ("101200", 72), ("101201", 57), ("101210", 57), ("101211", 52), ("101220", 52), ("101221", 25),
    ("102001", 83), ("102011", 70), ("102021", 54), ("102101", 65), ("102111", 58), ("102121", 26),
    ("102201", 53), ("102211", 21), ("102221", 13), ("110000", 95), ("110001", 90), ("110010", 88),
    ("110011", 76), ("110020", 76), ("110021", 70), ("110100", 90), ("110101", 77), ("110110", 75),
    ("110111", 62), ("110120", 61), ("110121", 53), ("110200", 77), ("110201", 66), ("110210", 68),
    ("110211", 59), ("110220", 52), ("110221", 30), ("111000", 89), ("111001", 78), ("111010", 76),
    ("111011", 67), ("111020", 62), ("111021", 58), ("111100", 74), ("111101", 59), ("111110", 57),
    ("111111", 57), ("111120", 47), ("111121", 23), ("111200", 61), ("111201", 52), ("111210", 57),
    ("111211", 29), ("111220", 24), ("111221", 16), ("112001", 71), ("112011", 59), ("112021", 30),
    ("112101", 58), ("112111", 26), ("112121", 15), ("112201", 23), ("112211", 13), ("112221", 6),
    ("200000", 93), ("200001", 87), ("200010", 86), ("200011", 72), ("200020", 75), ("200021", 58),
    ("200100", 86), ("200101", 74), ("200110", 74), ("200111", 61), ("200120", 56), ("200121", 34),
    ("200200", 70), ("200201", 54), ("200210", 52), ("200211", 40), ("200220", 40), ("200221", 22),
    ("201000", 85), ("201001", 75), ("201010", 74), ("201011", 55), ("201020", 62), ("201021", 51),
    ("201100", 72), ("201101", 57), ("201110", 55), ("201111", 41), ("201120", 46), ("201121", 19),
    ("201200", 53), ("201201", 36), ("201210", 34), ("201211", 19), ("201220", 19), ("201221", 8),
    ("202001", 64), ("202011", 51), ("202021", 20), ("202101", 47), ("202111", 21), ("202121", 11),
    ("202201", 24), ("202211", 9), ("202221", 4), ("210000", 88), ("210001", 75), ("210010", 73),
    ("210011", 53), ("210020", 60), ("210021", 50), ("210100", 73), ("210101", 55), ("210110", 59),
    ("210111", 40), ("210120", 41), ("210121", 20), ("210200", 54), ("210201", 43), ("210210", 45),
    ("210211", 22), ("210220", 20), ("210221", 11), ("211000", 75), ("211001", 55), ("211010", 58),
    ("211011", 45), ("211020", 40), ("211021", 21), ("211100", 61), ("211101", 51), ("211110", 48),
    ("211111", 18), ("211120", 20), ("211121", 9), ("211200", 46), ("211201", 18), ("211210", 17),
    ("211211", 7), ("211220", 8), ("211221", 2), ("212001", 53), ("212011", 24), ("212021", 14),
    ("212101", 24), ("212111", 12), ("212121", 5), ("212201", 10), ("212211", 3), ("212221", 1),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Vector, score, MacroVector. Scores from the test vectors of Red Hat's
    /// `cvss` library (`tests/vectors_simple4`, `vectors_threat4`,
    /// `vectors_security4`), whose scoring FIRST's calculator follows, and
    /// otherwise checked against that library (release 3.6); MacroVectors as
    /// it reports them.
    const KNOWN: &[(&str, f64, &str)] = &[
        // Highest and lowest: every impact High, and no impact at all.
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
            10.0,
            "000100",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
            0.0,
            "002201",
        ),
        // CVSS-B, EQ1 0/1/2, EQ2 0/1, EQ3 0/1/2, EQ4 1/2.
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            9.3,
            "000200",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N",
            8.7,
            "001200",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N",
            8.2,
            "011200",
        ),
        (
            "CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N",
            4.1,
            "211200",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L",
            9.2,
            "001100",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:N/VA:N/SC:L/SI:N/SA:L",
            5.3,
            "102201",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N",
            2.1,
            "112201",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N",
            1.8,
            "112201",
        ),
        (
            "CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N",
            4.0,
            "112101",
        ),
        (
            "CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:L/SA:N",
            9.5,
            "010100",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H",
            9.3,
            "100100",
        ),
        (
            "CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:P/VC:L/VI:N/VA:L/SC:N/SI:N/SA:N",
            2.1,
            "112201",
        ),
        // Threat: EQ5 0/1/2.
        (
            "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A",
            7.3,
            "210100",
        ),
        (
            "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P",
            5.9,
            "210110",
        ),
        (
            "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U",
            4.1,
            "210120",
        ),
        (
            "CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N/E:U",
            1.7,
            "012221",
        ),
        (
            "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L/E:U",
            0.1,
            "212221",
        ),
        // Security requirements: EQ6 0/1.
        (
            "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:M/AR:M",
            5.5,
            "210101",
        ),
        (
            "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:L/AR:L",
            7.1,
            "210100",
        ),
        (
            "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L",
            5.4,
            "210101",
        ),
        // Modified metrics: Safety (EQ4 0), lowered and raised exploitability and impact.
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S/MSA:S",
            10.0,
            "000000",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MSI:S",
            8.9,
            "002001",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MAV:P/MPR:H",
            7.0,
            "200200",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MVC:N/MVI:N/MVA:N",
            0.0,
            "002201",
        ),
        (
            "CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:P/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N/MAV:N/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:H/MSC:H",
            9.9,
            "000100",
        ),
        (
            "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N/E:P/CR:H/MVA:H/MSC:L",
            5.7,
            "101210",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U/CR:L/IR:L/AR:L",
            7.9,
            "000121",
        ),
        // Not Defined and Supplemental metrics do not change the score; order is free.
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/AR:X/MAV:X/MSI:X/S:X/AU:X/U:X",
            9.3,
            "000200",
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P/AU:Y/R:I/V:C/RE:H/U:Red",
            9.3,
            "000200",
        ),
        (
            "CVSS:4.0/SA:N/AV:N/VC:H/AC:L/AT:N/PR:N/UI:N/VI:H/VA:H/SC:N/SI:N",
            9.3,
            "000200",
        ),
    ];

    #[test]
    fn known_vectors() {
        for (vector, want, mv) in KNOWN {
            let got = score(vector).unwrap_or_else(|e| panic!("{vector}: {e}"));
            assert!(
                (got.score - want).abs() < 1e-9,
                "{vector}: {} != {want}",
                got.score
            );
            assert_eq!(got.macro_vector.to_string(), *mv, "{vector}");
        }
    }

    #[test]
    fn nomenclature() {
        let base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        for (suffix, want) in [
            ("", Nomenclature::B),
            ("/E:X/CR:X/MAV:X/AU:Y", Nomenclature::B),
            ("/E:P", Nomenclature::BT),
            ("/CR:L", Nomenclature::BE),
            ("/MVC:L", Nomenclature::BE),
            ("/E:U/MSI:S", Nomenclature::BTE),
        ] {
            let got = score(&format!("{base}{suffix}")).unwrap().nomenclature;
            assert_eq!(got, want, "{suffix}");
        }
        assert_eq!(Nomenclature::BTE.as_str(), "CVSS-BTE");
    }

    #[test]
    fn malformed_vectors() {
        let base = "AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        let v = |body: &str| score(&format!("CVSS:4.0/{body}")).map(|s| s.score);
        // Missing mandatory metric.
        assert_eq!(
            v("AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N"),
            Err(CvssError::Missing("SA"))
        );
        assert_eq!(
            v("AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            Err(CvssError::Missing("AT"))
        );
        // Duplicate metric, Base or optional, even with the same value.
        assert_eq!(
            v(&format!("{base}/AV:N")),
            Err(CvssError::Duplicate("AV".into()))
        );
        assert_eq!(
            v(&format!("{base}/E:A/E:A")),
            Err(CvssError::Duplicate("E".into()))
        );
        // Unknown values: X is not a Base value, S only for MSI/MSA, case matters.
        for body in [
            base.replace("AV:N", "AV:X"),
            base.replace("AV:N", "AV:n"),
            base.replace("SI:N", "SI:S"),
            format!("{base}/MSC:S"),
            format!("{base}/E:Z"),
            format!("{base}/U:red"),
            format!("{base}/CR:"),
        ] {
            assert!(matches!(v(&body), Err(CvssError::Metric(_))), "{body}");
        }
        // Unknown metrics and malformed fields.
        for body in [
            format!("{base}/FOO:1"),
            format!("{base}/"),
            format!("{base}//E:A"),
            format!("{base}/E"),
            format!("{base}/E:A:P"),
            format!("{base}/S:U"),
            String::new(),
        ] {
            assert!(matches!(v(&body), Err(CvssError::Metric(_))), "{body:?}");
        }
        // Wrong prefix.
        for vector in [
            format!("CVSS:3.1/{base}"),
            format!("cvss:4.0/{base}"),
            format!("CVSS:4.1/{base}"),
            base.to_owned(),
            "CVSS:4.0".to_owned(),
            String::new(),
        ] {
            assert!(
                matches!(score(&vector), Err(CvssError::Version(_))),
                "{vector:?}"
            );
        }
    }

    #[test]
    fn lookup_table_is_complete_and_sorted() {
        assert!(
            MACROVECTOR_SCORES.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted, no repeats"
        );
        let mut n = 0;
        for eq1 in 0..3 {
            for eq2 in 0..2 {
                for eq3 in 0..3 {
                    for eq4 in 0..3 {
                        for eq5 in 0..3 {
                            for eq6 in 0..2 {
                                let mv = [eq1, eq2, eq3, eq4, eq5, eq6];
                                let got = macro_score(mv);
                                // EQ3 level 2 (no High impact) cannot pair with EQ6 level 0.
                                assert_eq!(got.is_some(), !(eq3 == 2 && eq6 == 0), "{mv:?}");
                                if let Some(s) = got {
                                    assert!((1..=100).contains(&s), "{mv:?}: {s}");
                                    n += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(n, 270);
        assert_eq!(macro_score([3, 0, 0, 0, 0, 0]), None);
        assert_eq!(macro_score([0, 0, 0, 0, 0, 0]), Some(100));
        assert_eq!(macro_score([2, 1, 2, 2, 2, 1]), Some(1));
    }
}
