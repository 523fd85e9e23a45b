//! IBAN and BIC rules against outside test sets (issue 17, item 17): the IBAN registry's
//! example per country, real BICs, and the ISO 3166 list of Debian's iso-codes.

use std::collections::BTreeSet;

use cowdesk_core::validate::sepa;
use cowdesk_model::iban::{
    check_bic, check_iban, iban_length, BicProblem, IbanProblem, IBAN_LENGTHS, ISO_3166_COUNTRIES,
};

/// The IBAN registry's electronic-format example of every country, as Apache Commons
/// Validator's IBANValidatorTest carries them (VALID_IBAN_FIXTURES, one per registry
/// country), plus PK from python-stdnum's test_iban.doctest (the same registry example).
const REGISTRY_EXAMPLES: &[&str] = &[
    "AD1200012030200359100100",
    "AE070331234567890123456",
    "AL47212110090000000235698741",
    "AT611904300234573201",
    "AZ21NABZ00000000137010001944",
    "BA391290079401028494",
    "BE68539007547034",
    "BG80BNBG96611020345678",
    "BH67BMAG00001299123456",
    "BI4210000100010000332045181",
    "BR1800000000141455123924100C2",
    "BY13NBRB3600900000002Z00AB00",
    "CH9300762011623852957",
    "CR05015202001026284066",
    "CY17002001280000001200527600",
    "CZ6508000000192000145399",
    "DE89370400440532013000",
    "DJ2110002010010409943020008",
    "DK5000400440116243",
    "DO28BAGR00000001212453611324",
    "EE382200221020145685",
    "EG380019000500000000263180002",
    "ES9121000418450200051332",
    "FI2112345600000785",
    "FK88SC123456789012",
    "FO6264600001631634",
    "FR1420041010050500013M02606",
    "GB29NWBK60161331926819",
    "GE29NB0000000101904917",
    "GI75NWBK000000007099453",
    "GL8964710001000206",
    "GR1601101250000000012300695",
    "GT82TRAJ01020000001210029690",
    "HN88CABF00000000000250005469",
    "HR1210010051863000160",
    "HU42117730161111101800000000",
    "IE29AIBK93115212345678",
    "IL620108000000099999999",
    "IQ98NBIQ850123456789012",
    "IS140159260076545510730339",
    "IT60X0542811101000000123456",
    "JO94CBJO0010000000000131000302",
    "KW81CBKU0000000000001234560101",
    "KZ86125KZT5004100100",
    "LB62099900000001001901229114",
    "LC55HEMM000100010012001200023015",
    "LI21088100002324013AA",
    "LT121000011101001000",
    "LU280019400644750000",
    "LV80BANK0000435195001",
    "LY83002048000020100120361",
    "MC5811222000010123456789030",
    "MD24AG000225100013104168",
    "ME25505000012345678951",
    "MK07250120000058984",
    "MN121234123456789123",
    "MR1300020001010000123456753",
    "MT84MALT011000012345MTLCAST001S",
    "MU17BOMM0101101030300200000MUR",
    "NI45BAPR00000013000003558124",
    "NL91ABNA0417164300",
    "NO9386011117947",
    "OM810180000001299123456",
    "PK36SCBL0000001123456702",
    "PL61109010140000071219812874",
    "PS92PALS000000000400123456702",
    "PT50000201231234567890154",
    "QA58DOHB00001234567890ABCDEFG",
    "RO49AAAA1B31007593840000",
    "RS35260005601001611379",
    "RU0204452560040702810412345678901",
    "SA0380000000608010167519",
    "SC18SSCB11010000000000001497USD",
    "SD8811123456789012",
    "SE4550000000058398257466",
    "SI56263300012039086",
    "SK3112000000198742637541",
    "SM86U0322509800000000270100",
    "SO211000001001000100141",
    "ST68000100010051845310112",
    "SV62CENR00000000000000700025",
    "TL380080012345678910157",
    "TN5910006035183598478831",
    "TR330006100519786457841326",
    "UA213223130000026007233566001",
    "VA59001123000012345678",
    "VG96VPVG0000012345678901",
    "XK051212012345678906",
    "YE15CBYE0001018861234567891234",
];

/// Real BICs of many countries, from python-stdnum's test_bic.doctest ("found online").
const REAL_BICS: &[&str] = &[
    "ABNCNL2AGIR",
    "AGBMDEMM",
    "BNPAFRPPAUX",
    "BKAUATWWWOL",
    "CRESCHZZ12Q",
    "DABAFIHHHAM",
    "DEUTESBBAP2",
    "DKNBDKKKPLL",
    "HANDPLPW",
    "KOMBCZPP",
    "OTPPHUH2",
    "RIKSSESSBER",
    "SWHTBEBB",
    "UBKLGB2LBAK",
    "BOFAIE3XFUT",
    "PASCITMMCAN",
    "BTRLRO22BNA",
    "CITGUS44EHP",
    "BKCHJPJTOTM",
    "AXISINBB389",
    "NLPRXKPR",
    "TEBKXKPR030",
    "IOPRVAVX",
    "SBMMMCMC",
    "BLFLLI2X225",
    "KBNONO22",
    "ZBCGMEPG",
    "ABOCCNBJ270",
    "SBZAZAJJAFR",
    "CHASARBA",
];

#[test]
fn trust_iban_registry_examples_of_every_country_are_accepted() {
    for example in REGISTRY_EXAMPLES {
        assert_eq!(check_iban(example).as_deref(), Ok(*example), "{example}");
        assert_eq!(
            iban_length(&example[..2]).map(usize::from),
            Some(example.len()),
            "{example}: length table"
        );
    }
    // Every country cowdesk knows has its registry example here, and no other.
    let known: BTreeSet<&str> = IBAN_LENGTHS.iter().map(|(c, _)| *c).collect();
    let examples: BTreeSet<&str> = REGISTRY_EXAMPLES.iter().map(|e| &e[..2]).collect();
    assert_eq!(known, examples);
}

#[test]
fn trust_iban_letters_where_the_country_has_digits_are_refused() {
    // Each passes the mod-97 check: only the country's structure catches it.
    for value in [
        "DE583704004405320130AB",  // DE: 18 digits
        "NL5630030A17164300",      // NL: 4 letters, 10 digits (python-stdnum)
        "GI22NW3K000000007099453", // GI: 4 letters, 15 characters (python-stdnum)
    ] {
        assert_eq!(
            check_iban(value),
            Err(IbanProblem::BbanStructure),
            "{value}"
        );
        let info = sepa::iban(value).unwrap_err().info();
        assert!(info.message.contains("letter"), "{}", info.message);
        assert!(info.message_de.contains("Buchstabe"), "{}", info.message_de);
    }
    // A typo in the check digits as well does not hide the letter.
    assert_eq!(
        check_iban("DE573704004405320130AB"),
        Err(IbanProblem::BbanStructure)
    );
}

#[test]
fn trust_iban_check_digits_00_01_and_99_are_refused() {
    // Each is the valid IBAN above it with check digits 97 -> 00, 98 -> 01, 02 -> 99:
    // mod 97 cannot tell them apart, ISO 13616 allows only 02 to 98.
    for (valid, mirror) in [
        ("DE97370400440000000060", "DE00370400440000000060"),
        ("DE98370400440000000042", "DE01370400440000000042"),
        ("DE02370400440000000024", "DE99370400440000000024"),
    ] {
        assert!(check_iban(valid).is_ok(), "{valid}");
        assert_eq!(
            check_iban(mirror),
            Err(IbanProblem::CheckDigitsOutOfRange),
            "{mirror}"
        );
        let info = sepa::iban(mirror).unwrap_err().info();
        assert!(info.message.contains("02 to 98"), "{}", info.message);
        assert!(info.message_de.contains("02 und 98"), "{}", info.message_de);
    }
}

#[test]
fn trust_bic_real_ones_are_accepted_and_unknown_countries_refused() {
    for bic in REAL_BICS {
        assert_eq!(check_bic(bic).as_deref(), Ok(*bic), "{bic}");
    }
    // "IP" (python-stdnum's example), "XX" and "QQ" are not countries.
    for bad in ["MULTIPLE", "COBAXXFF", "DEUTQQFFXXX"] {
        assert_eq!(check_bic(bad), Err(BicProblem::UnknownCountry), "{bad}");
        let info = sepa::bic(bad).unwrap_err().info();
        assert!(info.fields.contains_key("bic"));
        assert!(info.message.contains("ISO 3166"), "{}", info.message);
        assert!(
            info.message_de.contains("Ländercode"),
            "{}",
            info.message_de
        );
    }
    assert_eq!(check_bic("C0BADEFF"), Err(BicProblem::BankCode));
    assert_eq!(check_bic("COBADEF"), Err(BicProblem::Length(7)));
}

#[test]
fn trust_bic_countries_are_the_iso_3166_list_of_debian_iso_codes() {
    let path = "/usr/share/iso-codes/json/iso_3166-1.json";
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{path} (package iso-codes, installed by scripts/lib/setup.sh): {e}")
    });
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let debian: BTreeSet<&str> = json["3166-1"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["alpha_2"].as_str().unwrap())
        .collect();
    assert!(debian.len() >= 249, "{}", debian.len());
    let ours: BTreeSet<&str> = ISO_3166_COUNTRIES
        .iter()
        .copied()
        .filter(|c| *c != "XK")
        .collect();
    assert_eq!(ours, debian);
}
