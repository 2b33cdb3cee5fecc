//! Every golden vector in spec/vectors/ must replay to exactly the same events (and so the same state roots,
//! which the BlockSealed events carry) as the Java engine produced.

use std::path::PathBuf;

use serde_json::Value;
use zk_core::engine::State;
use zk_core::types::{Command, Event};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec/vectors")
}

#[test]
fn every_golden_vector_replays_exactly() {
    let mut files: Vec<_> = std::fs::read_dir(vectors_dir()).expect("spec/vectors").map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
    files.sort();
    assert!(files.len() >= 19, "expected the golden vectors, found {}", files.len());
    let mut total_commands = 0;
    let mut total_blocks = 0;
    for f in &files {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let name = v["name"].as_str().unwrap().to_string();
        let commands: Vec<Command> = v["commands"].as_array().unwrap().iter()
            .map(|c| serde_json::from_value(c.clone()).unwrap_or_else(|e| panic!("{name}: bad command {c}: {e}")))
            .collect();
        let expected = v["events"].as_array().unwrap();
        let mut state = State::new();
        let mut events: Vec<Event> = Vec::new();
        for c in &commands {
            state.apply(c, &mut events);
        }
        for (i, (want, got)) in expected.iter().zip(events.iter()).enumerate() {
            let got = serde_json::to_value(got).unwrap();
            assert_eq!(want, &got, "{name}: event #{i} differs");
        }
        assert_eq!(expected.len(), events.len(), "{name}: event count");
        let roots: Vec<&str> = events.iter().filter_map(|e| match e {
            Event::BlockSealed { state_root, .. } => Some(state_root.as_str()),
            _ => None,
        }).collect();
        let want_roots: Vec<&str> = v["blocks"].as_array().unwrap().iter().map(|b| b["stateRoot"].as_str().unwrap()).collect();
        assert_eq!(want_roots, roots, "{name}: state roots");
        total_commands += commands.len();
        total_blocks += roots.len();
    }
    println!("{} vectors, {} commands, {} blocks: every event and state root identical", files.len(), total_commands, total_blocks);
}
