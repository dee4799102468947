//! `extends` and `--set` precedence: a child overrides its parent key by key, `--set` overrides
//! both, arrays of tables replace whole, a cycle is an error, and every value keeps its origin.

use std::path::{Path, PathBuf};

use gwsim::dist::Dist;
use gwsim::scenario::{GpuHourPrice, Scenario, Size, load, load_str};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/extends")
        .join(name)
}

fn ok(path: &Path, sets: &[&str]) -> Scenario {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    load(path, &sets).unwrap_or_else(|e| panic!("{e}"))
}

fn err(path: &Path, sets: &[&str]) -> String {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    match load(path, &sets) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

fn origin_file(s: &Scenario, path: &str) -> String {
    let p = s
        .params()
        .into_iter()
        .find(|p| p.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    p.origin
        .as_ref()
        .map(|l| l.file.to_string())
        .unwrap_or_default()
}

#[test]
fn child_overrides_parent_key_by_key() {
    let s = ok(&fixture("child.toml"), &[]);
    assert_eq!(s.name, "child");
    // Replaced by the child, whole.
    assert_eq!(
        s.facility.pue.marginal.dist(),
        &Dist::triangular(1.1, 1.15, 1.3).unwrap()
    );
    assert!(origin_file(&s, "facility.pue").ends_with("child.toml"));
    // Kept from the parent, with the parent's origin.
    assert_eq!(s.facility.it_overhead.fixed_value(), Some(0.1));
    assert!(origin_file(&s, "facility.it_overhead").ends_with("parent.toml"));
    // The price map merges: gb200 from the child, rubin from the parent.
    let gb = s.procurement.price_for("gb200-nvl72").unwrap();
    assert!(gb.is_uncertain());
    assert_eq!(
        s.procurement
            .price_for("vera-rubin-nvl144")
            .unwrap()
            .fixed_value(),
        Some(6.0)
    );
    // systems.KEY merges with the catalog.
    let g = &s.systems["gb200-nvl72"];
    assert!(
        g.tokens_per_gpu_s
            .as_ref()
            .expect("the catalog's figure")
            .origin
            .as_ref()
            .unwrap()
            .file
            .ends_with("child.toml")
    );
    assert_eq!(&*g.it_kw.origin.as_ref().unwrap().file, "systems.toml");
    assert_eq!(g.gpus, 72);
    // Arrays come from the parent when the child has none.
    assert_eq!(s.fleet.len(), 2);
    // The origin carries line and column in the file that wrote it.
    let pue = s.facility.pue.origin.as_ref().unwrap();
    assert_eq!((pue.line, pue.column), (6, 7));
}

#[test]
fn child_completes_a_system_its_parent_began() {
    let s = ok(&fixture("replace-fleet.toml"), &[]);
    let r = &s.systems["my-rack"];
    assert_eq!(r.gpus, 8);
    assert_eq!(r.it_kw.fixed_value(), Some(12.0));
    assert!(
        r.it_kw
            .origin
            .as_ref()
            .unwrap()
            .file
            .ends_with("parent.toml")
    );
    assert!(
        r.price_usd
            .origin
            .as_ref()
            .unwrap()
            .file
            .ends_with("replace-fleet.toml")
    );
}

#[test]
fn arrays_of_tables_replace_whole() {
    let s = ok(&fixture("replace-fleet.toml"), &[]);
    assert_eq!(s.fleet.len(), 1);
    assert_eq!(s.fleet[0].name, "racks");
    assert!(matches!(&s.fleet[0].size, Size::Systems(p) if p.fixed_value() == Some(1000.0)));
    // Only the systems the fleet uses are kept.
    assert_eq!(s.systems.keys().collect::<Vec<_>>(), vec!["my-rack"]);
    // Prices for systems outside the fleet are not sampled.
    match &s.procurement.price_usd_per_gpu_hour {
        Some(GpuHourPrice::BySystem(m)) => {
            assert_eq!(m.keys().collect::<Vec<_>>(), vec!["my-rack"])
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn three_level_chain() {
    let s = ok(&fixture("grandchild.toml"), &[]);
    assert_eq!(s.years, 4);
    assert_eq!(s.name, "child");
    assert_eq!(s.start_year, 2026);
}

#[test]
fn set_overrides_child_and_parent() {
    let s = ok(
        &fixture("child.toml"),
        &[
            "facility.pue=1.3",
            "facility.it_overhead={uniform=[0.05, 0.15]}",
            "fleet.rubin.online=\"2027 to 2028\"",
        ],
    );
    assert_eq!(s.facility.pue.fixed_value(), Some(1.3));
    let o = s.facility.pue.origin.as_ref().unwrap();
    assert_eq!((&*o.file, o.line, o.column), ("--set", 1, 14));
    assert_eq!(
        s.facility.it_overhead.marginal.dist(),
        &Dist::uniform(0.05, 0.15).unwrap()
    );
    assert_eq!(s.facility.it_overhead.origin.as_ref().unwrap().line, 2);
    let rubin = s.fleet.iter().find(|t| t.name == "rubin").unwrap();
    assert_eq!(
        rubin.online.marginal.dist(),
        &Dist::lognormal_p5_p95(2027.0, 2028.0).unwrap()
    );
}

#[test]
fn later_set_wins_and_sets_change_the_fingerprint() {
    let a = ok(
        &fixture("child.toml"),
        &["facility.pue=1.3", "facility.pue=1.4"],
    );
    assert_eq!(a.facility.pue.fixed_value(), Some(1.4));
    let b = ok(&fixture("child.toml"), &[]);
    assert_ne!(a.sha256, b.sha256);
    assert_eq!(b.sha256, ok(&fixture("child.toml"), &[]).sha256);
    assert_eq!(b.sha256.len(), 64);
}

/// SHA-256 (FIPS 180-4) of `bytes` in lower-case hex, as `sha256sum` prints it.
fn sha256sum(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}

#[test]
fn fingerprint_is_the_sha256_of_the_files_then_the_sets() {
    // The digest compared with is SHA-256: the test vectors of FIPS 180-4.
    assert_eq!(
        sha256sum(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256sum(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        sha256sum(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
    // Without extends or --set, exactly `sha256sum FILE`.
    let minimal = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/minimal.toml");
    assert_eq!(
        ok(&minimal, &[]).sha256,
        sha256sum(&std::fs::read(&minimal).unwrap())
    );
    let bytes = |name: &str| std::fs::read(fixture(name)).unwrap();
    // The file's bytes, then those of its extends chain, in order.
    let mut chain = [
        bytes("grandchild.toml"),
        bytes("child.toml"),
        bytes("parent.toml"),
    ]
    .concat();
    assert_eq!(
        ok(&fixture("grandchild.toml"), &[]).sha256,
        sha256sum(&chain)
    );
    // Then each --set, after a newline and `--set `.
    chain.extend_from_slice(b"\n--set facility.pue=1.3\n--set facility.pue=1.4");
    assert_eq!(
        ok(
            &fixture("grandchild.toml"),
            &["facility.pue=1.3", "facility.pue=1.4"]
        )
        .sha256,
        sha256sum(&chain)
    );
}

#[test]
fn set_value_forms() {
    let s = ok(
        &fixture("child.toml"),
        &[
            "facility.pue={triangular=[1.1,1.2,1.4]}",
            "fleet.rubin.online=2027 to 2028",
            "simulation.sampler=sobol",
            "procurement.price_usd_per_gpu_hour.vera-rubin-nvl144={ lognormal = { median = 6, sigma = 0.3 } }",
            "systems.gb200-nvl72.it_kw=140",
        ],
    );
    assert_eq!(
        s.facility.pue.marginal.dist(),
        &Dist::triangular(1.1, 1.2, 1.4).unwrap()
    );
    assert_eq!(s.simulation.sampler.as_str(), "sobol");
    assert_eq!(
        s.procurement
            .price_for("vera-rubin-nvl144")
            .unwrap()
            .marginal
            .dist(),
        &Dist::lognormal_median_sigma(6.0, 0.3).unwrap()
    );
    assert_eq!(s.systems["gb200-nvl72"].it_kw.fixed_value(), Some(140.0));
}

#[test]
fn set_switches_a_tranche_size() {
    let s = ok(&fixture("child.toml"), &["fleet.blackwell.gpus=100000"]);
    let b = s.fleet.iter().find(|t| t.name == "blackwell").unwrap();
    assert!(matches!(&b.size, Size::Gpus(p) if p.fixed_value() == Some(100000.0)));
}

#[test]
fn set_mode_to_owned_needs_owned_keys() {
    let e = err(&fixture("child.toml"), &["procurement.mode=owned"]);
    assert!(e.contains("owned mode needs 'hardware_life_years'"), "{e}");
    assert!(e.contains("owned mode needs 'load_factor'"), "{e}");
}

#[test]
fn bad_set_paths_get_suggestions() {
    let cases = [
        (
            "facilty.pue=1.3",
            "unknown key 'facilty' — did you mean 'facility'?",
        ),
        (
            "facility.peu=1.3",
            "unknown key 'peu' — did you mean 'pue'?",
        ),
        (
            "fleet.rubn.online=2027",
            "no [[fleet]] named 'rubn' — did you mean 'rubin'?",
        ),
        ("fleet.rubin.onlin=2027", "did you mean 'online'?"),
        (
            "systems.gb200-nvl27.it_kw=1",
            "unknown system 'gb200-nvl27' — did you mean 'gb200-nvl72'?",
        ),
        (
            "procurement.price_usd_per_gpu_hour.h100-hgxx=2",
            "did you mean 'h100-hgx'?",
        ),
        ("facility.pue.min=1", "cannot set 'facility.pue.min'"),
        ("facility.pue", "--set expects PATH=VALUE"),
        ("extends=other.toml", "not 'extends'"),
    ];
    for (set, want) in cases {
        let e = err(&fixture("child.toml"), &[set]);
        assert!(e.contains(want), "{set}: {e}");
        assert!(e.contains("--set:1:"), "{set}: {e}");
    }
}

#[test]
fn set_value_errors_point_into_the_value() {
    let e = err(
        &fixture("child.toml"),
        &[
            "facility.pue=1.0",
            "facility.pue={ normal = { mean = 1.2, sd = -1 } }",
        ],
    );
    assert!(e.contains("--set:2:"), "{e}");
    assert!(e.contains("facility.pue"), "{e}");
    let e = err(&fixture("child.toml"), &["facility.pue=0.5"]);
    assert!(
        e.contains("--set:1:14: error: facility.pue: 0.5 is outside"),
        "{e}"
    );
    let e = err(
        &fixture("child.toml"),
        &["facility.pue={triangular=[1.1,1.2"],
    );
    assert!(e.contains("TOML syntax"), "{e}");
}

#[test]
fn extends_cycle_names_the_chain() {
    let e = err(&fixture("cycle-a.toml"), &[]);
    assert!(e.contains("extends cycle:"), "{e}");
    assert!(e.contains("cycle-a.toml → "), "{e}");
    assert!(e.contains("cycle-b.toml → "), "{e}");
    assert!(e.contains("cycle-b.toml:1:11"), "{e}");
}

#[test]
fn missing_base_is_reported_where_extends_is_written() {
    let e = err(&fixture("missing-base.toml"), &[]);
    assert!(e.contains("missing-base.toml:1:11"), "{e}");
    assert!(e.contains("cannot read base scenario"), "{e}");
}

#[test]
fn errors_in_a_parent_point_into_the_parent() {
    let e = err(&fixture("child.toml"), &["systems.my-rack.gpus=0"]);
    assert!(e.contains("--set:1:"), "{e}");
    // A bad value inherited from the parent is located in the parent.
    let dir = std::env::temp_dir().join(format!("gwsim-ext-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let parent = std::fs::read_to_string(fixture("parent.toml"))
        .unwrap()
        .replace("mfu = 0.35", "mfu = 1.35");
    std::fs::write(dir.join("parent.toml"), parent).unwrap();
    std::fs::copy(fixture("child.toml"), dir.join("child.toml")).unwrap();
    let e = err(&dir.join("child.toml"), &[]);
    assert!(e.contains("parent.toml:33:7: error: workload.mfu"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn load_str_resolves_extends_from_base_dir() {
    let dir = fixture("");
    let text = "extends = \"parent.toml\"\nname = \"inline\"\n[systems.my-rack]\nprice_usd = 1\npflops_fp8 = 1\ntokens_per_gpu_s = 1\n";
    let s = load_str(text, "inline.toml", Some(&dir), &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.name, "inline");
    assert_eq!(s.file, None);
}
