//! Screening answers are read by the question's format, not by their JSON type.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use atsbridge_schema::Timestamp;
use atsbridge_schema::action::{AnswerError, ScreeningAnswer, TypedAnswer};
use atsbridge_schema::format::{QuestionFormat, QuestionOption};
use serde_json::json;

fn answer(value: serde_json::Value) -> ScreeningAnswer {
    ScreeningAnswer {
        question_id: "q".into(),
        answer: value,
    }
}

fn options() -> Vec<QuestionOption> {
    vec![QuestionOption {
        remote_id: "o1".into(),
        name: "Rust".into(),
    }]
}

#[test]
fn answers_follow_the_question_format() {
    let text = QuestionFormat::Text {
        display_type: None,
        max_length: None,
    };
    let number = QuestionFormat::Number {
        display_type: None,
        max: None,
        min: None,
    };
    let single = QuestionFormat::SingleSelect {
        display_type: None,
        options: options(),
    };
    let multi = QuestionFormat::MultiSelect { options: options() };
    let file = QuestionFormat::File {
        accepted_mime_types: None,
        max_file_size_bytes: None,
    };
    let cases = [
        (&text, json!("Rust"), TypedAnswer::Text("Rust".into())),
        (&number, json!(3.0), TypedAnswer::Number(3.0)),
        (&number, json!(3), TypedAnswer::Number(3.0)),
        (&number, json!("4.5"), TypedAnswer::Number(4.5)),
        (
            &QuestionFormat::Boolean,
            json!(true),
            TypedAnswer::Boolean(true),
        ),
        (
            &QuestionFormat::Boolean,
            json!("false"),
            TypedAnswer::Boolean(false),
        ),
        (
            &QuestionFormat::Date,
            json!("2024-05-01T00:00:00Z"),
            TypedAnswer::Date(Timestamp::parse_flexible("2024-05-01").unwrap()),
        ),
        (
            &QuestionFormat::Date,
            json!("2024-05-01"),
            TypedAnswer::Date(Timestamp::parse_flexible("2024-05-01").unwrap()),
        ),
        (&single, json!("o1"), TypedAnswer::SingleSelect("o1".into())),
        (
            &single,
            json!(["o1"]),
            TypedAnswer::SingleSelect("o1".into()),
        ),
        (
            &multi,
            json!(["o1", "o2"]),
            TypedAnswer::MultiSelect(vec!["o1".into(), "o2".into()]),
        ),
        (
            &multi,
            json!("o1"),
            TypedAnswer::MultiSelect(vec!["o1".into()]),
        ),
    ];
    for (format, raw, expected) in cases {
        assert_eq!(
            answer(raw.clone()).interpret(format).unwrap(),
            expected,
            "{raw}"
        );
    }
    let TypedAnswer::File(file_answer) =
        answer(json!({"name": "cv.pdf", "content_type": "application/pdf", "data": "JVBE"}))
            .interpret(&file)
            .unwrap()
    else {
        panic!("not a file");
    };
    assert_eq!(file_answer.name, "cv.pdf");
    assert!(file_answer.content().is_ok());
}

#[test]
fn wrong_shapes_are_clear_errors() {
    let text = QuestionFormat::Text {
        display_type: None,
        max_length: None,
    };
    let number = QuestionFormat::Number {
        display_type: None,
        max: None,
        min: None,
    };
    let multi = QuestionFormat::MultiSelect { options: options() };
    let bad = [
        (&text, json!(3)),
        (&number, json!("three")),
        (&number, json!(true)),
        (&QuestionFormat::Boolean, json!("yes")),
        (&QuestionFormat::Date, json!("someday")),
        (&multi, json!([1, 2])),
    ];
    for (format, raw) in bad {
        let error = answer(raw.clone()).interpret(format).unwrap_err();
        assert!(
            matches!(error, AnswerError::WrongShape { .. }),
            "{raw}: {error}"
        );
        assert!(error.to_string().contains(format.type_name()), "{error}");
    }
    let info = answer(json!("x"))
        .interpret(&QuestionFormat::Information)
        .unwrap_err();
    assert!(matches!(info, AnswerError::NotAnswerable { .. }));
}
