//! Kombo ids are stable across versions and do not collide.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;

use atsbridge_schema::{KomboId, Model};

#[test]
fn derivation_is_pinned() {
    // These values are part of the public contract: stored ids and client references depend on
    // them. Changing the derivation breaks every existing installation.
    let pinned = [
        (
            "erecruiter:TestIntegration0000000000",
            Model::Job,
            "4711",
            "4a9finZGg16vrrMdoGmGyXNu",
        ),
        (
            "erecruiter:TestIntegration0000000000",
            Model::Candidate,
            "4711",
            "Fow9KuzjNu1Bin8AodBqV3d4",
        ),
        (
            "erecruiter:Other",
            Model::ApplicationStage,
            "17",
            "FsHapePeBWn86ez9dvE5oJjQ",
        ),
    ];
    for (integration, model, remote_id, expected) in pinned {
        let id = KomboId::derive(integration, model, remote_id);
        assert_eq!(id.as_str(), expected, "{integration} {model} {remote_id}");
        assert_eq!(id, KomboId::derive(integration, model, remote_id));
    }
}

#[test]
fn no_collisions_over_200k_ids_and_all_well_formed() {
    let mut seen = HashSet::with_capacity(200_000);
    let integrations = ["erecruiter:A", "erecruiter:B"];
    let models = [Model::Job, Model::Candidate, Model::Application, Model::Tag];
    let mut count = 0;
    for integration in integrations {
        for model in models {
            for n in 0..25_000 {
                let id = KomboId::derive(integration, model, &n.to_string());
                assert_eq!(KomboId::parse(id.as_str()).as_ref(), Ok(&id));
                assert!(seen.insert(id), "collision at {integration} {model} {n}");
                count += 1;
            }
        }
    }
    assert_eq!(count, 200_000);
    assert_eq!(seen.len(), 200_000);
}

#[test]
fn serde_is_transparent_and_validating() {
    let id = KomboId::derive("i", Model::Tag, "x");
    let json = serde_json::to_string(&id).unwrap();
    assert_eq!(json, format!("\"{id}\""));
    assert_eq!(serde_json::from_str::<KomboId>(&json).unwrap(), id);
    assert!(serde_json::from_str::<KomboId>("\"too-short\"").is_err());
}
