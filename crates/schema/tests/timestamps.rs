//! Timestamp input forms and the single output form.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use atsbridge_schema::Timestamp;

#[test]
fn accepted_input_forms() {
    let table = [
        ("2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z"), // TS SDK
        ("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z"),     // Python, no fraction
        ("2024-01-01T12:00:00.123456Z", "2024-01-01T12:00:00.123Z"), // microseconds
        ("2024-01-01T12:00:00.1Z", "2024-01-01T12:00:00.100Z"),
        ("2024-01-01T12:00:00.123456789Z", "2024-01-01T12:00:00.123Z"),
        ("2024-01-01T12:00:00+02:00", "2024-01-01T10:00:00.000Z"), // offset
        ("2024-01-01T01:30:00-05:30", "2024-01-01T07:00:00.000Z"),
        ("2024-01-01T12:00:00+0200", "2024-01-01T10:00:00.000Z"),
        ("2024-01-01T12:00:00", "2024-01-01T12:00:00.000Z"), // naive = UTC
        ("2024-01-01T12:00:00.5", "2024-01-01T12:00:00.500Z"),
        ("2024-02-29", "2024-02-29T00:00:00.000Z"), // bare date
        ("2024-01-01 12:00:00", "2024-01-01T12:00:00.000Z"),
    ];
    for (input, expected) in table {
        let parsed = Timestamp::parse_flexible(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(parsed.to_string(), expected, "{input}");
        let via_serde: Timestamp = serde_json::from_value(serde_json::json!(input)).unwrap();
        assert_eq!(via_serde, parsed);
        assert_eq!(
            serde_json::to_value(parsed).unwrap(),
            serde_json::json!(expected)
        );
    }
}

#[test]
fn rejected_input_forms() {
    for input in [
        "",
        "yesterday",
        "2024-13-01",
        "2024-02-30",
        "01.02.2024",
        "2024-01-01T25:00:00Z",
        "1704067200",
    ] {
        assert!(
            Timestamp::parse_flexible(input).is_err(),
            "{input} should be rejected"
        );
        assert!(serde_json::from_value::<Timestamp>(serde_json::json!(input)).is_err());
    }
    assert!(serde_json::from_value::<Timestamp>(serde_json::json!(1_704_067_200)).is_err());
}

#[test]
fn ordering_and_conversion() {
    let early = Timestamp::parse_flexible("2024-01-01").unwrap();
    let late = Timestamp::parse_flexible("2024-01-01T00:00:00.001Z").unwrap();
    assert!(early < late);
    assert_eq!(Timestamp::from_datetime(late.as_datetime()), late);
}
