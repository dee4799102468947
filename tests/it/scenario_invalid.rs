//! Table-driven invalid scenarios: each mutation of a valid base file must be refused with a
//! message that names the right path and points at the right line (and column).

use gwsim::error::{Diagnostic, Severity};
use gwsim::scenario::load_str;

const BASE: &str = include_str!("../fixtures/base.toml");

struct Case {
    name: &'static str,
    /// Replacements applied in order (`old` → `new`, first occurrence); an empty `old` appends.
    edits: &'static [(&'static str, &'static str)],
    /// A fragment of the expected message.
    message: &'static str,
    /// The expected value path (or table) of the diagnostic.
    path: &'static str,
    /// A snippet of the edited text whose first occurrence is where the error must point.
    at: &'static str,
    /// Check the column too (not only the line).
    column: bool,
}

const CASES: &[Case] = &[
    Case {
        name: "tied investment to an unknown tranche",
        edits: &[(
            "amount_usd = { uniform = [1e9, 5e9] }\nyear = 2026",
            "per_gw_usd = 10e9\ntied_to = \"blackwel\"",
        )],
        message: "no [[fleet]] tranche is named 'blackwel' — did you mean 'blackwell'?",
        path: "investment.msft.tied_to",
        at: "\"blackwel\"",
        column: true,
    },
    Case {
        name: "year with tied_to",
        edits: &[(
            "amount_usd = { uniform = [1e9, 5e9] }\n",
            "per_gw_usd = 10e9\ntied_to = \"blackwell\"\n",
        )],
        message: "'year' is not allowed with 'tied_to' and 'per_gw_usd'",
        path: "investment.msft.year",
        at: "year = 2026\n\n[workload]",
        column: true,
    },
    Case {
        name: "per_gw_usd without tied_to",
        edits: &[(
            "amount_usd = { uniform = [1e9, 5e9] }\nyear = 2026",
            "per_gw_usd = 10e9",
        )],
        message: "name it with 'tied_to'",
        path: "investment.msft.tied_to",
        at: "[[investment]]",
        column: true,
    },
    Case {
        name: "unknown investment kind",
        edits: &[("name = \"msft\"", "name = \"msft\"\nkind = \"equty\"")],
        message: "kind must be \"cash\", \"equity\" or \"rebate\", not \"equty\" — did you mean 'equity'?",
        path: "investment.msft.kind",
        at: "\"equty\"",
        column: true,
    },
    Case {
        name: "take-or-pay without a commitment",
        edits: &[("commitment_usd = 30e9", "take_or_pay = true")],
        message: "it needs 'commitment_usd' in [procurement]",
        path: "procurement.take_or_pay",
        at: "true",
        column: true,
    },
    Case {
        name: "take-or-pay not a boolean",
        edits: &[(
            "commitment_usd = 30e9",
            "commitment_usd = 30e9\ntake_or_pay = \"yes\"",
        )],
        message: "must be true or false, not a string",
        path: "procurement.take_or_pay",
        at: "\"yes\"",
        column: true,
    },
    Case {
        name: "sized by the commitment in owned mode",
        edits: &[
            ("power_mw = 500\n", "size_from_commitment = true\n"),
            (
                "mode = \"cloud\"",
                "mode = \"owned\"\nhardware_life_years = 5",
            ),
            (
                "it_overhead = 0.1",
                "it_overhead = 0.1\nload_factor = 0.7\npower_price_usd_per_kwh = 0.08\ndatacenter_capex_usd_per_mw = 1e7\ndatacenter_life_years = 15",
            ),
        ],
        message: "needs cloud mode",
        path: "fleet.blackwell.size_from_commitment",
        at: "true",
        column: true,
    },
    Case {
        name: "sized by the commitment without one",
        edits: &[
            ("power_mw = 500\n", "size_from_commitment = true\n"),
            ("commitment_usd = 30e9\n", ""),
            (
                "[[investment]]\nname = \"msft\"\namount_usd = { uniform = [1e9, 5e9] }\nyear = 2026\n",
                "",
            ),
        ],
        message: "needs 'commitment_usd' in [procurement]",
        path: "fleet.blackwell.size_from_commitment",
        at: "true",
        column: true,
    },
    Case {
        name: "blended and split prices together",
        edits: &[(
            "price_usd_per_mtok = \"2 to 8\"",
            "price_usd_per_mtok = \"2 to 8\"\ninput_tokens = 8000\noutput_tokens = 1000\nprice_usd_per_mtok_input = 3\nprice_usd_per_mtok_output = 15",
        )],
        message: "give either price_usd_per_mtok",
        path: "workload.price_usd_per_mtok_input",
        at: "price_usd_per_mtok_input",
        column: true,
    },
    Case {
        name: "split prices without token lengths",
        edits: &[(
            "price_usd_per_mtok = \"2 to 8\"",
            "price_usd_per_mtok_input = 3\nprice_usd_per_mtok_output = 15",
        )],
        message: "split prices weigh input against output tokens: they need 'input_tokens'",
        path: "workload.input_tokens",
        at: "[workload]",
        column: true,
    },
    Case {
        name: "split prices without an output price",
        edits: &[(
            "price_usd_per_mtok = \"2 to 8\"",
            "input_tokens = 8000\noutput_tokens = 1000\nprice_usd_per_mtok_input = 3",
        )],
        message: "split prices need 'price_usd_per_mtok_output'",
        path: "workload.price_usd_per_mtok_output",
        at: "[workload]",
        column: true,
    },
    Case {
        name: "served model without interactivity",
        edits: &[
            (
                "mfu = 0.35",
                "mfu = 0.35\ninput_tokens = 8000\noutput_tokens = 1000",
            ),
            (
                "",
                "\n[workload.model]\ntotal_params_b = 671\nactive_params_b = 37\nbytes_per_param = 1\nkv_bytes_per_token = 35136\n",
            ),
        ],
        message: "the roofline of [workload.model] needs 'interactivity_tok_s'",
        path: "workload.interactivity_tok_s",
        at: "[workload]",
        column: true,
    },
    Case {
        name: "one request length without the other",
        edits: &[("mfu = 0.35", "mfu = 0.35\ninput_tokens = 8000")],
        message: "'input_tokens' needs 'output_tokens' too",
        path: "workload.input_tokens",
        at: "input_tokens",
        column: true,
    },
    Case {
        name: "no HBM on a roofline system",
        edits: &[
            ("system = \"gb200-nvl72\"", "system = \"my-rack\""),
            ("{ gb200-nvl72 = \"3 to 5\" }", "4"),
            (
                "mfu = 0.35",
                "mfu = 0.35\ninput_tokens = 8000\noutput_tokens = 1000\ninteractivity_tok_s = 50",
            ),
            (
                "",
                "\n[workload.model]\ntotal_params_b = 671\nactive_params_b = 37\nbytes_per_param = 1\nkv_bytes_per_token = 35136\n\n[systems.my-rack]\ngpus = 8\nit_kw = 10\nprice_usd = 3e5\npflops_fp8 = 4.5\nhbm_gb = 0\nhbm_tb_s = 8\nscaleup_gpus = 8\n",
            ),
        ],
        message: "it must be > 0",
        path: "systems.my-rack.hbm_gb",
        at: "hbm_gb = 0",
        column: false,
    },
    Case {
        name: "a correlation on a figure the roofline replaces",
        edits: &[
            (
                "mfu = 0.35",
                "mfu = 0.35\ninput_tokens = 8000\noutput_tokens = 1000\ninteractivity_tok_s = 50",
            ),
            (
                "",
                "\n[workload.model]\ntotal_params_b = 671\nactive_params_b = 37\nbytes_per_param = 1\nkv_bytes_per_token = 35136\n\n[[correlation]]\nbetween = [\"systems.gb200-nvl72.tokens_per_gpu_s\", \"workload.utilization\"]\nrank = 0.5\n",
            ),
        ],
        message: "is not used by its system's throughput rule",
        path: "systems.gb200-nvl72.tokens_per_gpu_s",
        at: "\"systems.gb200-nvl72.tokens_per_gpu_s\"",
        column: true,
    },
    Case {
        name: "a revenue ceiling without a price",
        edits: &[(
            "price_usd_per_mtok = \"2 to 8\"",
            "max_revenue_usd_per_year = 5e9",
        )],
        message: "a ceiling on revenue needs a token price",
        path: "workload.max_revenue_usd_per_year",
        at: "max_revenue_usd_per_year",
        column: true,
    },
    Case {
        name: "a ceiling's growth without the ceiling",
        edits: &[(
            "mfu = 0.35",
            "mfu = 0.35\nmax_revenue_growth_per_year = 0.5",
        )],
        message: "give 'max_revenue_usd_per_year' too",
        path: "workload.max_revenue_growth_per_year",
        at: "max_revenue_growth_per_year",
        column: true,
    },
    Case {
        name: "interactivity without a served model",
        edits: &[("mfu = 0.35", "mfu = 0.35\ninteractivity_tok_s = 50")],
        message: "applies to the roofline, which needs a [workload.model]",
        path: "workload.interactivity_tok_s",
        at: "interactivity_tok_s",
        column: true,
    },
    Case {
        name: "active parameters above the total",
        edits: &[
            (
                "mfu = 0.35",
                "mfu = 0.35\ninput_tokens = 8000\noutput_tokens = 1000\ninteractivity_tok_s = 50",
            ),
            (
                "",
                "\n[workload.model]\ntotal_params_b = 37\nactive_params_b = 671\nbytes_per_param = 1\nkv_bytes_per_token = 35136\n",
            ),
        ],
        message: "cannot exceed the total parameters",
        path: "workload.model.active_params_b",
        at: "671",
        column: true,
    },
    Case {
        name: "misspelt model key",
        edits: &[
            (
                "mfu = 0.35",
                "mfu = 0.35\ninput_tokens = 8000\noutput_tokens = 1000\ninteractivity_tok_s = 50",
            ),
            (
                "",
                "\n[workload.model]\ntotal_params = 671\nactive_params_b = 37\nbytes_per_param = 1\nkv_bytes_per_token = 35136\n",
            ),
        ],
        message: "unknown key 'total_params' in workload.model — did you mean 'total_params_b'?",
        path: "workload.model.total_params",
        at: "total_params =",
        column: true,
    },
    Case {
        name: "negative tokens",
        edits: &[
            (
                "mfu = 0.35",
                "mfu = 0.35\ninput_tokens = -8000\noutput_tokens = 1000\nprice_usd_per_mtok_input = 3\nprice_usd_per_mtok_output = 15",
            ),
            ("price_usd_per_mtok = \"2 to 8\"\n", ""),
        ],
        message: "must be > 0",
        path: "workload.input_tokens",
        at: "-8000",
        column: true,
    },
    Case {
        name: "price change of -100%",
        edits: &[("mfu = 0.35", "mfu = 0.35\nprice_change_per_year = -1")],
        message: "> −1",
        path: "workload.price_change_per_year",
        at: "-1",
        column: true,
    },
    Case {
        name: "a defined system without roofline figures",
        edits: &[
            ("system = \"gb200-nvl72\"", "system = \"my-rack\""),
            ("{ gb200-nvl72 = \"3 to 5\" }", "4"),
            (
                "mfu = 0.35",
                "mfu = 0.35\ninput_tokens = 8000\noutput_tokens = 1000\ninteractivity_tok_s = 50",
            ),
            (
                "",
                "\n[workload.model]\ntotal_params_b = 671\nactive_params_b = 37\nbytes_per_param = 1\nkv_bytes_per_token = 35136\n\n[systems.my-rack]\ngpus = 8\nit_kw = 10\nprice_usd = 3e5\npflops_fp8 = 4.5\nhbm_gb = 180\nscaleup_gpus = 8\n",
            ),
        ],
        message: "needs 'hbm_tb_s' for the roofline",
        path: "systems.my-rack.hbm_tb_s",
        at: "[systems.my-rack]",
        column: false,
    },
    Case {
        name: "empty fleet",
        edits: &[
            (
                "[[fleet]]\nname = \"blackwell\"\nsystem = \"gb200-nvl72\"\npower_mw = 500\nonline = 2026.25\nramp_years = 0.5\n",
                "",
            ),
            ("discount_rate = 0.1", "discount_rate = 0.1\nfleet = []"),
            ("{ gb200-nvl72 = \"3 to 5\" }", "4"),
        ],
        message: "at least one [[fleet]] tranche",
        path: "fleet",
        at: "#",
        column: true,
    },
    Case {
        name: "misspelt top-level table",
        edits: &[("[facility]", "[facilty]")],
        message: "unknown key 'facilty' — did you mean 'facility'?",
        path: "facilty",
        at: "facilty]",
        column: true,
    },
    Case {
        name: "misspelt facility key",
        edits: &[("pue = {", "peu = {")],
        message: "unknown key 'peu' in facility — did you mean 'pue'?",
        path: "facility.peu",
        at: "peu =",
        column: true,
    },
    Case {
        name: "fixed pue below 1",
        edits: &[("pue = { triangular = [1.1, 1.2, 1.3] }", "pue = 0.9")],
        message: "must be ≥ 1",
        path: "facility.pue",
        at: "0.9",
        column: true,
    },
    Case {
        name: "pue support below 1",
        edits: &[("[1.1, 1.2, 1.3]", "[0.9, 1.2, 1.3]")],
        message: "outside this field's domain",
        path: "facility.pue",
        at: "{ triangular = [0.9",
        column: true,
    },
    Case {
        name: "triangular mode outside",
        edits: &[("[1.1, 1.2, 1.3]", "[1.1, 1.5, 1.3]")],
        message: "triangular",
        path: "facility.pue",
        at: "[1.1, 1.5",
        column: true,
    },
    Case {
        name: "interval with zero bound",
        edits: &[("\"0.4 to 0.7\"", "\"0 to 0.7\"")],
        message: "needs both bounds > 0",
        path: "workload.inference_share",
        at: "\"0 to 0.7\"",
        column: true,
    },
    Case {
        name: "interval suggests uniform",
        edits: &[("\"0.4 to 0.7\"", "\"-0.2 to 0.7\"")],
        message: "uniform = [-0.2, 0.7]",
        path: "workload.inference_share",
        at: "\"-0.2 to",
        column: true,
    },
    Case {
        name: "interval reversed",
        edits: &[("\"0.4 to 0.7\"", "\"0.7 to 0.4\"")],
        message: "lower bound below its upper bound",
        path: "workload.inference_share",
        at: "\"0.7 to 0.4\"",
        column: true,
    },
    Case {
        name: "string that is not a value",
        edits: &[("mfu = 0.35", "mfu = \"about 0.35\"")],
        message: "is not a value",
        path: "workload.mfu",
        at: "\"about",
        column: true,
    },
    Case {
        name: "negative sd",
        edits: &[(
            "discount_rate = 0.1",
            "discount_rate = { normal = { mean = 0.1, sd = -0.01 } }",
        )],
        message: "normal",
        path: "discount_rate",
        at: "{ mean = 0.1",
        column: true,
    },
    Case {
        name: "normal without sd",
        edits: &[(
            "discount_rate = 0.1",
            "discount_rate = { normal = { mean = 0.1 } }",
        )],
        message: "normal needs 'mean' and 'sd'",
        path: "discount_rate",
        at: "{ mean",
        column: true,
    },
    Case {
        name: "misspelt family",
        edits: &[("{ triangular = [1.1", "{ triangle = [1.1")],
        message: "unknown key 'triangle' in a value table — did you mean 'triangular'?",
        path: "facility.pue",
        at: "triangle",
        column: true,
    },
    Case {
        name: "two families",
        edits: &[(
            "{ uniform = [0.4, 0.8] }",
            "{ uniform = [0.4, 0.8], pert = [0.4, 0.5, 0.8] }",
        )],
        message: "takes one distribution",
        path: "workload.utilization",
        at: "pert =",
        column: true,
    },
    Case {
        name: "lognormal p95 below p5",
        edits: &[(
            "mfu = 0.35",
            "mfu = { lognormal = { p5 = 0.4, p95 = 0.3 } }",
        )],
        message: "lognormal",
        path: "workload.mfu",
        at: "{ p5",
        column: true,
    },
    Case {
        name: "beta with min only",
        edits: &[(
            "mfu = 0.35",
            "mfu = { beta = { alpha = 2, beta = 5 }, min = 0.1 }",
        )],
        message: "must come together",
        path: "workload.mfu",
        at: "{ beta",
        column: true,
    },
    Case {
        name: "discrete weights mismatch",
        edits: &[(
            "mfu = 0.35",
            "mfu = { discrete = { values = [0.3, 0.4], weights = [1] } }",
        )],
        message: "discrete",
        path: "workload.mfu",
        at: "{ values",
        column: true,
    },
    Case {
        name: "nan",
        edits: &[("mfu = 0.35", "mfu = nan")],
        message: "NaN and infinity are not allowed",
        path: "workload.mfu",
        at: "nan",
        column: true,
    },
    Case {
        name: "infinity",
        edits: &[("power_mw = 1000", "power_mw = inf")],
        message: "NaN and infinity are not allowed",
        path: "facility.power_mw",
        at: "inf",
        column: true,
    },
    Case {
        name: "share above 1",
        edits: &[("mfu = 0.35", "mfu = 1.2")],
        message: "within [0, 1]",
        path: "workload.mfu",
        at: "1.2\n",
        column: true,
    },
    Case {
        name: "share support above 1",
        edits: &[("{ uniform = [0.4, 0.8] }", "{ uniform = [0.4, 1.3] }")],
        message: "within [0, 1]",
        path: "workload.utilization",
        at: "{ uniform = [0.4, 1.3]",
        column: true,
    },
    Case {
        name: "years zero",
        edits: &[("years = 5", "years = 0")],
        message: "from 1 to 200",
        path: "years",
        at: "0\n",
        column: true,
    },
    Case {
        name: "years too many",
        edits: &[("years = 5", "years = 201")],
        message: "from 1 to 200",
        path: "years",
        at: "201",
        column: true,
    },
    Case {
        name: "years fractional",
        edits: &[("years = 5", "years = 2.5")],
        message: "whole number",
        path: "years",
        at: "2.5",
        column: true,
    },
    Case {
        name: "years uncertain",
        edits: &[("years = 5", "years = { uniform = [4, 6] }")],
        message: "fixed integer",
        path: "years",
        at: "uniform",
        column: true,
    },
    Case {
        name: "too many samples",
        edits: &[("samples = 1000", "samples = 2e9")],
        message: "more than the maximum of 1e9",
        path: "simulation.samples",
        at: "2e9",
        column: true,
    },
    Case {
        name: "zero samples",
        edits: &[("samples = 1000", "samples = 0")],
        message: "at least 1 sample",
        path: "simulation.samples",
        at: "0\nseed",
        column: true,
    },
    Case {
        name: "misspelt sampler",
        edits: &[("\"mc\"", "\"lhc\"")],
        message: "did you mean 'lhs'?",
        path: "simulation.sampler",
        at: "\"lhc\"",
        column: true,
    },
    Case {
        name: "misspelt mode",
        edits: &[("\"cloud\"", "\"clod\"")],
        message: "did you mean 'cloud'?",
        path: "procurement.mode",
        at: "\"clod\"",
        column: true,
    },
    Case {
        name: "unknown system",
        edits: &[("system = \"gb200-nvl72\"", "system = \"gb200-nv72\"")],
        message: "unknown system 'gb200-nv72' — did you mean 'gb200-nvl72'?",
        path: "systems.gb200-nv72",
        at: "\"gb200-nv72\"",
        column: true,
    },
    Case {
        name: "two sizes",
        edits: &[("power_mw = 500", "power_mw = 500\ngpus = 1000")],
        message: "exactly one of 'systems', 'gpus', 'power_mw' or 'size_from_commitment', found gpus and power_mw",
        path: "fleet.blackwell",
        at: "[[fleet]]",
        column: true,
    },
    Case {
        name: "no size",
        edits: &[("power_mw = 500\n", "")],
        message: "needs exactly one of",
        path: "fleet.blackwell",
        at: "[[fleet]]",
        column: true,
    },
    Case {
        name: "duplicate tranche names",
        edits: &[(
            "",
            "\n[[fleet]] # dup\nname = \"blackwell\"\nsystem = \"gb200-nvl72\"\ngpus = 100\nonline = 2027\n",
        )],
        message: "two tranches are named 'blackwell'",
        path: "fleet.blackwell",
        at: "[[fleet]] # dup",
        column: true,
    },
    Case {
        name: "unnamed tranche named by index",
        edits: &[(
            "",
            "\n[[fleet]] # second\nsystem = \"gb200-nvl72\"\nonline = 2027\n",
        )],
        message: "needs exactly one of",
        path: "fleet[2]",
        at: "[[fleet]] # second",
        column: true,
    },
    Case {
        name: "tranche without system",
        edits: &[("system = \"gb200-nvl72\"\n", "")],
        message: "missing required key 'system'",
        path: "fleet.blackwell",
        at: "[[fleet]]",
        column: true,
    },
    Case {
        name: "misspelt tranche key",
        edits: &[("online = 2026.25", "onlne = 2026.25")],
        message: "unknown key 'onlne' in fleet.blackwell — did you mean 'online'?",
        path: "fleet.blackwell.onlne",
        at: "onlne",
        column: true,
    },
    Case {
        name: "negative ramp",
        edits: &[("ramp_years = 0.5", "ramp_years = -0.5")],
        message: "≥ 0",
        path: "fleet.blackwell.ramp_years",
        at: "-0.5",
        column: true,
    },
    Case {
        name: "fleet written as a table",
        edits: &[("[[fleet]]", "[fleet]")],
        message: "write [[fleet]]",
        path: "fleet",
        at: "fleet]",
        column: false,
    },
    Case {
        name: "investment year outside term",
        edits: &[("5e9] }\nyear = 2026", "5e9] }\nyear = 2035")],
        message: "outside the term 2026–2030",
        path: "investment.msft.year",
        at: "2035",
        column: true,
    },
    Case {
        name: "negative investment",
        edits: &[("{ uniform = [1e9, 5e9] }", "{ uniform = [-1e9, 5e9] }")],
        message: "≥ 0",
        path: "investment.msft.amount_usd",
        at: "{ uniform = [-1e9",
        column: true,
    },
    Case {
        name: "cloud price missing for a used system",
        edits: &[(
            "",
            "\n[[fleet]]\nsystem = \"gb300-nvl72\"\ngpus = 72\nonline = 2027\n",
        )],
        message: "needs a price per GPU-hour for 'gb300-nvl72'",
        path: "procurement.price_usd_per_gpu_hour.gb300-nvl72",
        at: "{ gb200-nvl72",
        column: true,
    },
    Case {
        name: "price for an unknown system",
        edits: &[(
            "{ gb200-nvl72 = \"3 to 5\" }",
            "{ gb200-nvl72 = \"3 to 5\", gb200-nvl27 = 4 }",
        )],
        message: "unknown system 'gb200-nvl27' — did you mean 'gb200-nvl72'?",
        path: "procurement.price_usd_per_gpu_hour.gb200-nvl27",
        at: "gb200-nvl27",
        column: true,
    },
    Case {
        name: "owned mode needs facility costs",
        edits: &[("\"cloud\"", "\"owned\"\nhardware_life_years = 5")],
        message: "owned mode needs 'load_factor'",
        path: "facility.load_factor",
        at: "[facility]",
        column: true,
    },
    Case {
        name: "owned mode needs a hardware life",
        edits: &[
            ("\"cloud\"", "\"owned\""),
            (
                "it_overhead = 0.1",
                "it_overhead = 0.1\nload_factor = 0.7\npower_price_usd_per_kwh = 0.06\ndatacenter_capex_usd_per_mw = 1e7\ndatacenter_life_years = 15",
            ),
        ],
        message: "owned mode needs 'hardware_life_years'",
        path: "procurement.hardware_life_years",
        at: "[procurement]",
        column: true,
    },
    Case {
        name: "correlation with an unknown path",
        edits: &[(
            "",
            "\n[[correlation]]\nbetween = [\"facility.peu\", \"workload.utilization\"]\nrank = 0.5\n",
        )],
        message: "unknown value path 'facility.peu' in [[correlation]] — did you mean 'facility.pue'?",
        path: "facility.peu",
        at: "\"facility.peu\"",
        column: true,
    },
    Case {
        name: "correlation with a fixed value",
        edits: &[(
            "",
            "\n[[correlation]]\nbetween = [\"workload.mfu\", \"facility.pue\"]\nrank = 0.5\n",
        )],
        message: "is a fixed value",
        path: "workload.mfu",
        at: "\"workload.mfu\"",
        column: true,
    },
    Case {
        name: "correlation rank out of range",
        edits: &[(
            "",
            "\n[[correlation]]\nbetween = [\"workload.utilization\", \"facility.pue\"]\nrank = 1.5\n",
        )],
        message: "within [-1, 1]",
        path: "correlation[1]",
        at: "1.5",
        column: true,
    },
    Case {
        name: "correlations not positive definite",
        edits: &[(
            "",
            "\n[[correlation]] # c1\nbetween = [\"workload.utilization\", \"facility.pue\"]\nrank = 0.9\n[[correlation]]\nbetween = [\"facility.pue\", \"workload.inference_share\"]\nrank = 0.9\n[[correlation]]\nbetween = [\"workload.utilization\", \"workload.inference_share\"]\nrank = -0.9\n",
        )],
        message: "not positive definite",
        path: "correlation",
        at: "[[correlation]] # c1",
        column: true,
    },
    Case {
        // The sampler refuses a pivot at or below 1e-6; validation applies the same rule, so
        // a scenario that validates always samples (regression: validation used 1e-10).
        name: "correlation so close to 1 that the sampler could not factor it",
        edits: &[(
            "",
            "\n[[correlation]] # c2\nbetween = [\"workload.utilization\", \"facility.pue\"]\nrank = 0.99999999999999\n",
        )],
        message: "not positive definite",
        path: "correlation",
        at: "[[correlation]] # c2",
        column: true,
    },
    Case {
        name: "new system missing fields",
        edits: &[
            ("system = \"gb200-nvl72\"", "system = \"my-rack\""),
            ("{ gb200-nvl72 = ", "{ my-rack = "),
            ("", "\n[systems.my-rack]\ngpus = 8\nit_kw = 10\n"),
        ],
        message: "must define 'price_usd'",
        path: "systems.my-rack.price_usd",
        at: "[systems.my-rack]",
        column: true,
    },
    Case {
        name: "uncertain system gpus",
        edits: &[("", "\n[systems.gb200-nvl72]\ngpus = \"60 to 72\"\n")],
        message: "fixed integer",
        path: "systems.gb200-nvl72.gpus",
        at: "\"60 to 72\"",
        column: true,
    },
    Case {
        name: "unclosed inline table",
        edits: &[(
            "pue = { triangular = [1.1, 1.2, 1.3] }",
            "pue = { triangular = [1.1, 1.2, 1.3]",
        )],
        message: "TOML syntax",
        path: "",
        at: "\nit_overhead",
        column: false,
    },
    Case {
        name: "duplicate key",
        edits: &[("mfu = 0.35", "mfu = 0.35\nmfu = 0.4")],
        message: "duplicate key",
        path: "",
        at: "mfu = 0.4",
        column: false,
    },
    Case {
        name: "discount rate of -100%",
        edits: &[("discount_rate = 0.1", "discount_rate = -1")],
        message: "> −1",
        path: "discount_rate",
        at: "-1",
        column: true,
    },
    Case {
        name: "min above max",
        edits: &[(
            "mfu = 0.35",
            "mfu = { normal = { mean = 0.3, sd = 0.1 }, min = 0.5, max = 0.2 }",
        )],
        message: "min = 0.5 is above max = 0.2",
        path: "workload.mfu",
        at: "0.5, max",
        column: true,
    },
    Case {
        name: "missing start_year",
        edits: &[("start_year = 2026\n", "")],
        message: "missing required key 'start_year'",
        path: "start_year",
        at: "#",
        column: true,
    },
    Case {
        name: "missing workload key",
        edits: &[("mfu = 0.35\n", "")],
        message: "missing required key 'mfu'",
        path: "workload.mfu",
        at: "[workload]",
        column: true,
    },
    Case {
        name: "extends without a directory",
        edits: &[(
            "name = \"test\"",
            "extends = \"base.toml\"\nname = \"test\"",
        )],
        message: "cannot be resolved",
        path: "extends",
        at: "\"base.toml\"",
        column: true,
    },
    Case {
        name: "integer out of range",
        edits: &[("seed = 7", "seed = 99999999999999999999")],
        message: "out of range",
        path: "",
        at: "99999",
        column: true,
    },
    Case {
        name: "negative seed",
        edits: &[("seed = 7", "seed = -7")],
        message: "≥ 0",
        path: "simulation.seed",
        at: "-7",
        column: true,
    },
    Case {
        name: "array where a value belongs",
        edits: &[("it_overhead = 0.1", "it_overhead = [0.1, 0.2]")],
        message: "expected a value, found an array",
        path: "facility.it_overhead",
        at: "[0.1, 0.2]",
        column: true,
    },
    Case {
        name: "misplaced key at top level",
        edits: &[("name = \"test\"", "name = \"test\"\nmfu = 0.3")],
        message: "it belongs in [workload]",
        path: "mfu",
        at: "mfu = 0.3",
        column: true,
    },
];

fn edited(case: &Case) -> String {
    let mut text = BASE.to_string();
    for (old, new) in case.edits {
        if old.is_empty() {
            text.push_str(new);
        } else {
            assert!(text.contains(old), "{}: base lacks {old:?}", case.name);
            text = text.replacen(old, new, 1);
        }
    }
    text
}

/// 1-based line and column (in characters) of the first occurrence of `snippet`, skipping a
/// leading newline in the snippet.
fn position(text: &str, snippet: &str) -> (usize, usize) {
    let at = text
        .find(snippet)
        .unwrap_or_else(|| panic!("snippet {snippet:?} not in text"));
    let at = at + usize::from(snippet.starts_with('\n'));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

#[test]
fn base_is_valid() {
    let s = load_str(BASE, "base.toml", None, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.name, "test");
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn every_invalid_scenario_points_at_its_mistake() {
    assert!(CASES.len() >= 30);
    let mut failures = Vec::new();
    for case in CASES {
        let text = edited(case);
        let err = match load_str(&text, "case.toml", None, &[]) {
            Ok(_) => {
                failures.push(format!("{}: accepted", case.name));
                continue;
            }
            Err(e) => e,
        };
        let (line, col) = position(&text, case.at);
        let found = err.diagnostics.iter().any(|d: &Diagnostic| {
            d.severity == Severity::Error
                && d.message.contains(case.message)
                && (case.path.is_empty() || d.path.as_deref() == Some(case.path))
                && d.location.as_ref().is_some_and(|l| {
                    &*l.file == "case.toml" && l.line == line && (!case.column || l.column == col)
                })
        });
        if !found {
            failures.push(format!(
                "{}: expected '{}' at path '{}' line {line} col {col}; got:\n  {}",
                case.name,
                case.message,
                case.path,
                err.to_string().replace('\n', "\n  ")
            ));
        }
        // The rendered message carries file:line:col and the path.
        let rendered = err.to_string();
        if !rendered.contains(&format!("case.toml:{line}:")) {
            failures.push(format!(
                "{}: rendered message lacks case.toml:{line}: — {rendered}",
                case.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = BASE
        .replacen("pue = {", "peu = {", 1)
        .replacen("mfu = 0.35", "mfu = 1.5", 1)
        .replacen("years = 5", "years = 0", 1)
        .replacen("\"mc\"", "\"lhc\"", 1);
    let err = load_str(&text, "many.toml", None, &[]).expect_err("invalid");
    let paths: Vec<&str> = err
        .diagnostics
        .iter()
        .filter_map(|d| d.path.as_deref())
        .collect();
    for p in [
        "facility.peu",
        "facility.pue",
        "workload.mfu",
        "years",
        "simulation.sampler",
    ] {
        assert!(paths.contains(&p), "{p} missing from {paths:?}");
    }
    // Sorted by line.
    let lines: Vec<usize> = err
        .diagnostics
        .iter()
        .filter_map(|d| d.location.as_ref().map(|l| l.line))
        .collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
    assert!(err.to_string().contains("errors"));
}

#[test]
fn unbounded_value_cut_by_its_domain_warns() {
    let text = BASE.replacen(
        "pue = { triangular = [1.1, 1.2, 1.3] }",
        "pue = { normal = { mean = 1.05, sd = 0.1 } }",
        1,
    );
    let s = load_str(&text, "w.toml", None, &[]).unwrap_or_else(|e| panic!("{e}"));
    let w = s
        .warnings
        .iter()
        .find(|w| w.path.as_deref() == Some("facility.pue"))
        .expect("a warning");
    assert!(
        w.message.contains("% of this distribution"),
        "{}",
        w.message
    );
    assert!(
        w.location
            .as_ref()
            .is_some_and(|l| l.line == position(&text, "{ normal").0)
    );
    let (lo, _) = s.facility.pue.marginal.bounds();
    assert!(lo >= 1.0);
    // With min = 1 the user asked for the cut: no warning.
    let text = BASE.replacen(
        "pue = { triangular = [1.1, 1.2, 1.3] }",
        "pue = { normal = { mean = 1.05, sd = 0.1 }, min = 1.0 }",
        1,
    );
    let s = load_str(&text, "w.toml", None, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn bounded_value_brought_back_by_min() {
    let text = BASE.replacen("[1.1, 1.2, 1.3]", "[0.9, 1.2, 1.3], min = 1.0", 1);
    let s = load_str(&text, "m.toml", None, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.facility.pue.marginal.bounds().0, 1.0);
}

#[test]
fn bytes_that_are_not_toml() {
    for text in [
        "",
        "\u{0}\u{1}\u{2}",
        "[[[[",
        "= = =",
        "name = \"x\"\n[facility",
        "\u{feff}name = 1",
    ] {
        let err = load_str(text, "junk.toml", None, &[]).expect_err("refused");
        assert!(!err.diagnostics.is_empty());
    }
    let junk: String = "\u{fffd}x = [{]} \"\n".repeat(100_000);
    assert!(load_str(&junk, "big.toml", None, &[]).is_err());
}

#[test]
fn not_utf8_file() {
    let dir = std::env::temp_dir().join(format!("gwsim-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let path = dir.join("bad.toml");
    std::fs::write(&path, b"name = \"ok\"\nyears = \xff\xfe\n").expect("write");
    let err = gwsim::scenario::load(&path, &[]).expect_err("refused");
    let d = &err.diagnostics[0];
    assert!(d.message.contains("not valid UTF-8"), "{d}");
    assert_eq!(
        d.location.as_ref().map(|l| (l.line, l.column)),
        Some((2, 9))
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Through the binary: `gwsim check` exits 1 on every invalid scenario, and its message names
/// the file, the line and the path.
#[test]
fn every_invalid_scenario_exits_1_from_the_binary() {
    let dir = std::env::temp_dir().join(format!("gwsim-invalid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut failures = Vec::new();
    for (i, case) in CASES.iter().enumerate() {
        let text = edited(case);
        let name = format!("case{i}.toml");
        let file = dir.join(&name);
        std::fs::write(&file, &text).expect("write case");
        let out = assert_cmd::cargo::cargo_bin_cmd!("gwsim")
            .arg("check")
            .arg(&file)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let (line, _) = position(&text, case.at);
        if out.status.code() != Some(1) {
            failures.push(format!("{}: exit {:?}", case.name, out.status.code()));
        }
        if !stderr.contains(&format!("{name}:{line}:")) {
            failures.push(format!(
                "{}: stderr lacks {name}:{line}: — {stderr}",
                case.name
            ));
        }
        if !case.path.is_empty() && !stderr.contains(case.path) {
            failures.push(format!(
                "{}: stderr lacks path {} — {stderr}",
                case.name, case.path
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
