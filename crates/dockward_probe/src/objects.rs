//! Containers and images through the Engine API, inspected by a few worker
//! threads, each with its own kept-alive connection.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use dockward_audit::facts::{ContainerFacts, HistoryStep, ImageFacts, ProbeProblem};
use serde_json::Value;

use crate::engine::{Client, EngineError};

/// Worker threads per object kind.
const WORKERS: usize = 4;

/// Runs `work` over `items` on up to [`WORKERS`] threads, each with a forked
/// client; results keep the items' order.
fn parallel_map<T, R, F>(client: &Client, items: &[T], work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&mut Client, &T) -> R + Sync,
{
    let next = AtomicUsize::new(0);
    let workers = WORKERS.min(items.len());
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let mut own = client.fork();
                let (next, work) = (&next, &work);
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, work(&mut own, item)));
                    }
                    done
                })
            })
            .collect();
        for handle in handles {
            for (i, result) in handle.join().unwrap_or_default() {
                if let Some(slot) = slots.get_mut(i) {
                    *slot = Some(result);
                }
            }
        }
    });
    slots.into_iter().flatten().collect()
}

fn problem(area: &str, subject: &str, error: &EngineError) -> ProbeProblem {
    ProbeProblem {
        area: area.to_owned(),
        subject: subject.to_owned(),
        message: crate::error_chain(error),
    }
}

/// Whether a `/containers/json` entry is selected by `names` (name without the
/// leading `/`, or an ID prefix); an empty list selects all.
fn selected(entry: &Value, names: &[String]) -> bool {
    if names.is_empty() {
        return true;
    }
    let id = entry["Id"].as_str().unwrap_or_default();
    let entry_names: Vec<&str> = entry["Names"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|n| n.trim_start_matches('/'))
                .collect()
        })
        .unwrap_or_default();
    names.iter().any(|n| {
        let n = n.trim_start_matches('/');
        entry_names.contains(&n) || (!n.is_empty() && id.starts_with(n))
    })
}

/// Lists and inspects containers.
pub fn collect_containers(
    client: &mut Client,
    all: bool,
    names: &[String],
    problems: &mut Vec<ProbeProblem>,
) -> Vec<ContainerFacts> {
    let list_path = format!("/containers/json?all={}", u8::from(all));
    let list = match client.get_json(&list_path) {
        Ok(Value::Array(list)) => list,
        Ok(_) => {
            problems.push(ProbeProblem {
                area: "container".into(),
                subject: list_path,
                message: "the answer is not a list".into(),
            });
            return Vec::new();
        }
        Err(e) => {
            problems.push(problem("container", &list_path, &e));
            return Vec::new();
        }
    };
    for name in names {
        if !list.iter().any(|e| selected(e, std::slice::from_ref(name))) {
            problems.push(ProbeProblem {
                area: "container".into(),
                subject: name.clone(),
                message: "no such container".into(),
            });
        }
    }
    let ids: Vec<String> = list
        .iter()
        .filter(|e| selected(e, names))
        .filter_map(|e| e["Id"].as_str())
        .map(str::to_owned)
        .collect();
    let results = parallel_map(client, &ids, |client, id| inspect_container(client, id));
    let mut containers = Vec::new();
    for (facts, mut found) in results {
        problems.append(&mut found);
        containers.extend(facts);
    }
    containers
}

fn inspect_container(client: &mut Client, id: &str) -> (Option<ContainerFacts>, Vec<ProbeProblem>) {
    let mut problems = Vec::new();
    let inspect = match client.get_json(&format!("/containers/{id}/json")) {
        Ok(v) => v,
        // Removed between the listing and the inspect: nothing to report.
        Err(EngineError::Status { status: 404, .. }) => return (None, problems),
        Err(e) => {
            problems.push(problem("container", id, &e));
            return (None, problems);
        }
    };
    let top = if inspect["State"]["Running"].as_bool() == Some(true) {
        match client.get_json(&format!(
            "/containers/{id}/top?ps_args=-eo%20user,pid,comm,args"
        )) {
            Ok(v) => Some(v),
            Err(e) => {
                problems.push(problem("container", id, &e));
                None
            }
        }
    } else {
        None
    };
    let mut execs = Vec::new();
    for exec in inspect["ExecIDs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        match client.get_json(&format!("/exec/{exec}/json")) {
            Ok(v) => execs.push(v),
            // The exec ended and was cleaned up meanwhile.
            Err(EngineError::Status { status: 404, .. }) => {}
            Err(e) => problems.push(problem("container", id, &e)),
        }
    }
    (
        Some(ContainerFacts {
            inspect,
            top,
            execs,
        }),
        problems,
    )
}

/// Lists and inspects images; scans their layers for setuid files when asked.
pub fn collect_images(
    client: &mut Client,
    root: &Path,
    read_layers: bool,
    problems: &mut Vec<ProbeProblem>,
) -> Vec<ImageFacts> {
    let list = match client.get_json("/images/json") {
        Ok(Value::Array(list)) => list,
        Ok(_) => {
            problems.push(ProbeProblem {
                area: "image".into(),
                subject: "/images/json".into(),
                message: "the answer is not a list".into(),
            });
            return Vec::new();
        }
        Err(e) => {
            problems.push(problem("image", "/images/json", &e));
            return Vec::new();
        }
    };
    let ids: Vec<String> = list
        .iter()
        .filter_map(|e| e["Id"].as_str())
        .map(str::to_owned)
        .collect();
    let results = parallel_map(client, &ids, |client, id| {
        let mut problems = Vec::new();
        let inspect = match client.get_json(&format!("/images/{id}/json")) {
            Ok(v) => v,
            Err(EngineError::Status { status: 404, .. }) => return (None, problems),
            Err(e) => {
                problems.push(problem("image", id, &e));
                return (None, problems);
            }
        };
        let history = match client.get_json(&format!("/images/{id}/history")) {
            Ok(Value::Array(steps)) => Some(history_steps(&steps)),
            Ok(_) | Err(EngineError::Status { status: 404, .. }) => None,
            Err(e) => {
                problems.push(problem("image", &format!("{id} history"), &e));
                None
            }
        };
        let scan = if read_layers {
            match crate::layers::scan(root, &inspect, crate::layers::MAX_ENTRIES) {
                Ok(scan) => Some(scan),
                Err(e) => {
                    problems.push(ProbeProblem {
                        area: "image".into(),
                        subject: id.clone(),
                        message: crate::error_chain(&e),
                    });
                    None
                }
            }
        } else {
            None
        };
        let (setuid_files, world_writable_dirs, secret_files) = match scan {
            Some(s) => (
                Some(s.setuid_files),
                Some(s.world_writable_dirs),
                Some(s.secret_files),
            ),
            None => (None, None, None),
        };
        (
            Some(ImageFacts {
                inspect,
                setuid_files,
                secret_files,
                world_writable_dirs,
                history,
            }),
            problems,
        )
    });
    let mut images = Vec::new();
    for (facts, mut found) in results {
        problems.append(&mut found);
        images.extend(facts);
    }
    images
}

/// `GET /images/{id}/history` (newest first, `CreatedBy`) as history steps,
/// base first. The API does not say which steps made no layer.
fn history_steps(steps: &[Value]) -> Vec<HistoryStep> {
    steps
        .iter()
        .rev()
        .map(|s| HistoryStep {
            created_by: s["CreatedBy"].as_str().unwrap_or_default().to_owned(),
            empty_layer: false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_by_name_or_id_prefix() {
        let entry = serde_json::json!({"Id": "abcdef0123", "Names": ["/web"]});
        assert!(selected(&entry, &[]));
        assert!(selected(&entry, &["web".into()]));
        assert!(selected(&entry, &["/web".into()]));
        assert!(selected(&entry, &["abcd".into()]));
        assert!(!selected(&entry, &["we".into()]));
        assert!(!selected(&entry, &[String::new()]));
        assert!(!selected(&entry, &["db".into()]));
    }
}
