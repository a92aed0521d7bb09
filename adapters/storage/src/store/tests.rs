//! The file store's promises: round trips, 0600 credentials, corrupt and future files.

use std::fs;

use futures::executor::block_on;
use nemo_core::draft::Draft;
use nemo_core::ids::{TaskId, Token, UserId};
use nemo_core::model::JobState;
use nemo_core::time::Timestamp;
use proptest::prelude::*;

use super::*;

fn store() -> (tempfile::TempDir, FileStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path().join("config"), dir.path().join("state"));
    (dir, store)
}

fn project(session: &str, name: &str, draft: Option<&str>) -> Project {
    Project {
        name: name.into(),
        task_id: TaskId::parse("task_1").unwrap(),
        session_id: SessionId::parse(session).unwrap(),
        created: Timestamp::from_unix_ms(1_795_355_066_570),
        last_draft: draft.map(|d| Draft::from_json(d).unwrap()),
    }
}

fn job(id: &str, state: JobState) -> RenderJob {
    RenderJob {
        id: RenderId::parse(id).unwrap(),
        session_id: SessionId::parse("s1").unwrap(),
        project: "p".into(),
        output: "out.mp4".into(),
        draft_digest: None,
        state,
        created: Timestamp::from_unix_ms(1),
        updated: Timestamp::from_unix_ms(2),
    }
}

fn credentials() -> StoredCredentials {
    StoredCredentials {
        token: Token::new("nmv_usr_supersecret").unwrap(),
        user_id: Some(UserId::parse("anon_1").unwrap()),
        expires_at: Some(Timestamp::from_unix_ms(1_800_000_000_123)),
    }
}

fn corrupt_files(dir: &Path, name: &str) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!("{name}.corrupt-")))
        .collect()
}

#[test]
fn an_empty_store_reads_as_empty_and_creates_nothing() {
    let (dir, store) = store();
    block_on(async {
        assert_eq!(store.client_id().await.unwrap(), None);
        assert_eq!(store.credentials().await.unwrap(), None);
        assert!(store.projects().await.unwrap().is_empty());
        assert_eq!(store.current_project().await.unwrap(), None);
        assert!(store.render_jobs().await.unwrap().is_empty());
    });
    assert!(fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn the_client_id_file_is_one_line_read_tolerantly() {
    let (_dir, store) = store();
    block_on(async {
        let id = ClientId::generate();
        store.save_client_id(&id).await.unwrap();
        let text = fs::read_to_string(store.config_dir().join("client_id")).unwrap();
        assert_eq!(text, format!("{id}\n"));
        fs::write(store.config_dir().join("client_id"), format!("  \n{id}\r\n\n")).unwrap();
        assert_eq!(store.client_id().await.unwrap(), Some(id));
    });
}

#[cfg(unix)]
#[test]
fn credentials_are_private_and_logout_keeps_the_client_id() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, store) = store();
    block_on(async {
        let id = ClientId::generate();
        store.save_client_id(&id).await.unwrap();
        store.save_credentials(&credentials()).await.unwrap();
        let mode = fs::metadata(store.credentials_path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "credentials mode {mode:o}");
        let dir_mode = fs::metadata(store.config_dir()).unwrap().permissions().mode();
        assert_eq!(dir_mode & 0o077, 0, "config dir mode {dir_mode:o}");
        assert_eq!(store.credentials().await.unwrap(), Some(credentials()));
        // Overwriting keeps the mode (the temp file is created 0600, then renamed).
        store.save_credentials(&credentials()).await.unwrap();
        let mode = fs::metadata(store.credentials_path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        store.clear_credentials().await.unwrap();
        store.clear_credentials().await.unwrap();
        assert_eq!(store.credentials().await.unwrap(), None);
        assert_eq!(store.client_id().await.unwrap(), Some(id));
    });
}

#[test]
fn no_temp_files_are_left_behind() {
    let (_dir, store) = store();
    block_on(async {
        store.save_credentials(&credentials()).await.unwrap();
        store.save_project(&project("s1", "a", None)).await.unwrap();
        store.save_render_job(&job("render_1", JobState::Submitting)).await.unwrap();
    });
    for dir in [store.config_dir(), store.state_dir()] {
        for entry in fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.contains(".tmp-"), "left behind: {name}");
        }
    }
}

#[test]
fn the_debug_form_never_shows_the_token() {
    let (_dir, store) = store();
    block_on(store.save_credentials(&credentials())).unwrap();
    let shown = format!("{store:?} {:?}", block_on(store.credentials()).unwrap());
    assert!(!shown.contains("supersecret"), "{shown}");
}

#[test]
fn the_last_draft_is_kept_byte_for_byte() {
    let (_dir, store) = store();
    let draft = r#"{"t":[{"tt":"v","sg":[{"d":1e400,"id":123456789012345678901}]}],"x":"\u00e9"}"#;
    block_on(async {
        store.save_project(&project("s1", "a", Some(draft))).await.unwrap();
        let loaded = store.projects().await.unwrap();
        assert_eq!(loaded[0].last_draft.as_ref().unwrap().as_json(), draft);
    });
}

#[test]
fn a_corrupt_file_is_moved_aside_once_and_never_overwritten() {
    let (_dir, store) = store();
    fs::create_dir_all(store.state_dir()).unwrap();
    let path = store.state_dir().join("projects.json");
    fs::write(&path, "{ half a file").unwrap();
    block_on(async {
        let error = store.projects().await.unwrap_err();
        assert!(error.0.contains("moved aside"), "{error}");
        assert!(error.0.contains("projects.json.corrupt-"), "{error}");
        let aside = corrupt_files(store.state_dir(), "projects.json");
        assert_eq!(aside.len(), 1);
        assert_eq!(fs::read_to_string(store.state_dir().join(&aside[0])).unwrap(), "{ half a file");
        // The next read starts empty; writing works again.
        assert!(store.projects().await.unwrap().is_empty());
        store.save_project(&project("s1", "a", None)).await.unwrap();
        assert_eq!(store.projects().await.unwrap().len(), 1);
    });
}

#[test]
fn a_write_after_a_corrupt_read_does_not_overwrite_it() {
    let (_dir, store) = store();
    fs::create_dir_all(store.state_dir()).unwrap();
    fs::write(store.state_dir().join("jobs.json"), r#"{"schema":1,"jobs":[{"id":"bad id"}]}"#).unwrap();
    block_on(async {
        assert!(store.save_render_job(&job("render_1", JobState::Submitting)).await.is_err());
    });
    let aside = corrupt_files(store.state_dir(), "jobs.json");
    assert_eq!(aside.len(), 1);
    assert!(fs::read_to_string(store.state_dir().join(&aside[0])).unwrap().contains("bad id"));
}

#[test]
fn a_file_from_a_newer_nemoctl_is_left_alone() {
    let (_dir, store) = store();
    fs::create_dir_all(store.state_dir()).unwrap();
    let path = store.state_dir().join("projects.json");
    let future = r#"{"schema":2,"everything":"different"}"#;
    fs::write(&path, future).unwrap();
    block_on(async {
        let error = store.projects().await.unwrap_err();
        assert!(error.0.contains("newer nemoctl"), "{error}");
        assert!(store.save_project(&project("s1", "a", None)).await.is_err());
    });
    assert_eq!(fs::read_to_string(&path).unwrap(), future);
    assert!(corrupt_files(store.state_dir(), "projects.json").is_empty());
}

#[test]
fn a_corrupt_credentials_file_is_moved_aside() {
    let (_dir, store) = store();
    fs::create_dir_all(store.config_dir()).unwrap();
    fs::write(store.credentials_path(), "nmv_usr_plain").unwrap();
    let error = block_on(store.credentials()).unwrap_err();
    assert!(!error.0.contains("nmv_usr_plain"), "the error must not quote the file: {error}");
    assert_eq!(corrupt_files(store.config_dir(), "credentials.json").len(), 1);
    assert_eq!(block_on(store.credentials()).unwrap(), None);
}

#[test]
fn the_current_project_and_upserts_persist_across_instances() {
    let (dir, store) = store();
    block_on(async {
        store.save_project(&project("s1", "a", None)).await.unwrap();
        store.save_project(&project("s2", "b", None)).await.unwrap();
        store.save_project(&project("s1", "renamed", None)).await.unwrap();
        store.set_current_project(&SessionId::parse("s2").unwrap()).await.unwrap();
        store.save_render_job(&job("render_1", JobState::Submitting)).await.unwrap();
        store.save_render_job(&job("render_2", JobState::Cancelled)).await.unwrap();
        store.save_render_job(&job("render_1", JobState::Done { bytes: 9 })).await.unwrap();
        store.remove_render_job(&RenderId::parse("render_2").unwrap()).await.unwrap();
    });
    let again = FileStore::new(dir.path().join("config"), dir.path().join("state"));
    block_on(async {
        let names: Vec<String> = again.projects().await.unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["renamed", "b"]);
        assert_eq!(again.current_project().await.unwrap(), Some(SessionId::parse("s2").unwrap()));
        assert_eq!(again.render_jobs().await.unwrap(), [job("render_1", JobState::Done { bytes: 9 })]);
    });
}

#[test]
fn many_jobs_are_saved_in_one_update() {
    let (_dir, store) = store();
    block_on(async {
        store.save_render_jobs(&[]).await.unwrap();
        assert!(!store.state_dir().join(JOBS).exists(), "nothing is written for no jobs");
        store.save_render_job(&job("render_1", JobState::Submitting)).await.unwrap();
        let batch = [job("render_1", JobState::Rendering { progress: 40 }), job("render_2", JobState::Cancelled)];
        store.save_render_jobs(&batch).await.unwrap();
        assert_eq!(store.render_jobs().await.unwrap(), batch);
    });
}

#[test]
fn concurrent_writers_lose_no_update() {
    let (_dir, store) = store();
    std::thread::scope(|scope| {
        for t in 0..4 {
            let store = store.clone();
            scope.spawn(move || {
                for i in 0..10 {
                    let id = format!("render_{t}_{i}");
                    block_on(store.save_render_job(&job(&id, JobState::Submitting))).unwrap();
                }
            });
        }
    });
    assert_eq!(block_on(store.render_jobs()).unwrap().len(), 40);
}

fn arb_state() -> impl Strategy<Value = JobState> {
    prop_oneof![
        Just(JobState::Submitting),
        any::<u8>().prop_map(|progress| JobState::Rendering { progress }),
        proptest::option::of("[ -~]{0,20}").prop_map(|url| JobState::Downloading { url }),
        any::<u64>().prop_map(|bytes| JobState::Done { bytes }),
        ".{0,20}".prop_map(|reason| JobState::Failed { reason }),
        Just(JobState::Cancelled),
    ]
}

fn arb_job() -> impl Strategy<Value = RenderJob> {
    let digest = proptest::option::of("[0-9a-f]{16}");
    ("[a-z0-9_]{1,12}", "[0-9]{1,19}", ".{0,12}", ".{0,30}", digest, arb_state(), any::<u64>(), any::<u64>()).prop_map(
        |(id, session, project, output, draft_digest, state, created, updated)| RenderJob {
            id: RenderId::parse(format!("render_{id}")).unwrap(),
            session_id: SessionId::parse(session).unwrap(),
            project,
            output,
            draft_digest,
            state,
            created: Timestamp::from_unix_ms(created),
            updated: Timestamp::from_unix_ms(updated),
        },
    )
}

fn arb_project() -> impl Strategy<Value = Project> {
    (".{0,16}", "[A-Za-z0-9_.~-]{1,20}", any::<u64>(), proptest::option::of((".{0,10}", any::<i64>()))).prop_map(
        |(name, session, created, draft)| Project {
            name,
            task_id: TaskId::parse(format!("task_{created}")).unwrap(),
            session_id: SessionId::parse(session).unwrap(),
            created: Timestamp::from_unix_ms(created),
            last_draft: draft.map(|(text, n)| {
                Draft::from_json(serde_json::json!({"t": [], "name": text, "n": n}).to_string()).unwrap()
            }),
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn projects_and_jobs_survive_save_then_load(
        projects in proptest::collection::vec(arb_project(), 0..5),
        jobs in proptest::collection::vec(arb_job(), 0..5),
    ) {
        let (_dir, store) = store();
        block_on(async {
            let mut expected_projects: Vec<Project> = Vec::new();
            for p in &projects {
                store.save_project(p).await.unwrap();
                upsert(&mut expected_projects, p, |p| &p.session_id);
            }
            let mut expected_jobs: Vec<RenderJob> = Vec::new();
            for j in &jobs {
                store.save_render_job(j).await.unwrap();
                upsert(&mut expected_jobs, j, |j| &j.id);
            }
            if let Some(last) = projects.last() {
                store.set_current_project(&last.session_id).await.unwrap();
            }
            let reopened = FileStore::new(store.config_dir(), store.state_dir());
            prop_assert_eq!(reopened.projects().await.unwrap(), expected_projects);
            prop_assert_eq!(reopened.render_jobs().await.unwrap(), expected_jobs);
            prop_assert_eq!(reopened.current_project().await.unwrap(), projects.last().map(|p| p.session_id.clone()));
            Ok(())
        })?;
    }
}
