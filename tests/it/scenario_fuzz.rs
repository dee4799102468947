//! Property tests: `load_str` never panics, whatever the text — arbitrary bytes (as lossy
//! strings), TOML-like noise, and valid scenarios with lines deleted, duplicated or swapped and
//! numbers changed — and every refusal carries at least one located diagnostic.

use gwsim::scenario::{HEADLINE_TOML, load_str};
use proptest::prelude::*;

const BASE: &str = include_str!("../fixtures/base.toml");

fn check(text: &str, sets: &[String]) {
    if let Err(e) = load_str(text, "fuzz.toml", None, sets) {
        assert!(!e.diagnostics.is_empty());
        let text = e.to_string();
        assert!(!text.is_empty());
        assert!(!text.contains("internal error"), "{text}");
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    /// Replace the n-th number with this text.
    Number(usize, String),
    /// Insert text at a line.
    Insert(usize, String),
}

fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>().prop_map(|x| format!("{x:?}")),
        any::<i64>().prop_map(|x| x.to_string()),
        Just("nan".to_string()),
        Just("-inf".to_string()),
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("1e400".to_string()),
        Just("99999999999999999999".to_string()),
        Just("\"1 to 0\"".to_string()),
        Just("{ pert = [3, 2, 1] }".to_string()),
        Just("{ beta = { alpha = -1, beta = 0 }, max = 2 }".to_string()),
        Just("{ discrete = { values = [], weights = [] } }".to_string()),
        Just("{ normal = { mean = 1e300, sd = 1e300 } }".to_string()),
        Just("{ lognormal = { median = 0, sigma = 0 } }".to_string()),
        Just("{ fixed = 2, min = 3, max = 1 }".to_string()),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0usize..200).prop_map(Mutation::Delete),
        (0usize..200).prop_map(Mutation::Duplicate),
        (0usize..200, 0usize..200).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (0usize..200, number_text()).prop_map(|(n, t)| Mutation::Number(n, t)),
        (0usize..200, "[\\[\\]{}=\"'a-z0-9._ ,#-]{0,40}").prop_map(|(n, t)| Mutation::Insert(n, t)),
    ]
}

fn mutate(text: &str, muts: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for m in muts {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match m {
            Mutation::Delete(i) => {
                lines.remove(i % n);
            }
            Mutation::Duplicate(i) => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Mutation::Swap(a, b) => lines.swap(a % n, b % n),
            Mutation::Insert(i, t) => lines.insert(i % n, t.clone()),
            Mutation::Number(k, t) => {
                let all = lines.join("\n");
                let spans: Vec<(usize, usize)> = number_spans(&all);
                if spans.is_empty() {
                    continue;
                }
                let (s, e) = spans[k % spans.len()];
                let changed = format!("{}{}{}", &all[..s], t, &all[e..]);
                lines = changed.lines().map(str::to_string).collect();
            }
        }
    }
    lines.join("\n")
}

/// Byte ranges of digit runs (with dots and exponents) that follow `= ` or `[` or `, `.
fn number_spans(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit()
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric() && b[i - 1] != b'-')
        {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'e' || b[i] == b'_')
            {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        let text = String::from_utf8_lossy(&bytes);
        check(&text, &[]);
    }

    #[test]
    fn toml_like_noise_never_panics(text in "[\\[\\]{}=\"'a-z0-9._ \n,#-]{0,600}") {
        check(&text, &[]);
    }

    #[test]
    fn mutated_base_never_panics(muts in proptest::collection::vec(mutation(), 1..6)) {
        check(&mutate(BASE, &muts), &[]);
    }

    #[test]
    fn mutated_headline_never_panics(muts in proptest::collection::vec(mutation(), 1..6)) {
        check(&mutate(HEADLINE_TOML, &muts), &[]);
    }

    #[test]
    fn arbitrary_sets_never_panic(
        path in "(facility|fleet|procurement|systems|workload|simulation|investment|x)(\\.[a-z0-9_-]{0,12}){0,3}",
        value in prop_oneof![number_text(), "[\\[\\]{}=\"'a-z0-9._ ,-]{0,30}"],
    ) {
        check(BASE, &[format!("{path}={value}")]);
    }
}

#[test]
fn megabytes_of_junk() {
    let junk: String = (0..2_000_000u32)
        .map(|i| char::from(b"[]{}=\"a1 .\n#,"[(i as usize * 7919) % 13]))
        .collect();
    check(&junk, &[]);
    let deep = "a = ".to_string() + &"[".repeat(5000) + &"]".repeat(5000);
    check(&deep, &[]);
    let deep_tables = "a = ".to_string() + &"{ b = ".repeat(3000) + "1" + &" }".repeat(3000);
    check(&deep_tables, &[]);
}
