//! The Engine API client and `collect` against a fake daemon: a Unix socket in
//! a temporary directory, answered by a thread with canned responses.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use dockward_probe::{Client, Endpoint, EngineError, ProbeOptions, collect};
use serde_json::json;

/// What the fake daemon sends for one request path, and whether it then closes.
struct Reply {
    bytes: Vec<u8>,
    close: bool,
}

fn json_reply(status: u16, body: &serde_json::Value) -> Reply {
    let body = body.to_string();
    let reason = if status == 200 { "OK" } else { "Error" };
    Reply {
        bytes: format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
        close: false,
    }
}

fn raw(bytes: &[u8], close: bool) -> Reply {
    Reply {
        bytes: bytes.to_vec(),
        close,
    }
}

struct FakeDaemon {
    socket: PathBuf,
    connections: Arc<AtomicUsize>,
    requests: Arc<std::sync::Mutex<Vec<String>>>,
}

/// Serves `handler` on a socket in `dir` until the test process ends.
fn serve(dir: &Path, handler: impl Fn(&str) -> Reply + Send + Sync + 'static) -> FakeDaemon {
    let socket = dir.join("docker.sock");
    let listener = UnixListener::bind(&socket).unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
    let handler = Arc::new(handler);
    let (count, log) = (connections.clone(), requests.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            count.fetch_add(1, Ordering::SeqCst);
            let (handler, log) = (handler.clone(), log.clone());
            std::thread::spawn(move || answer(stream, &*handler, &log));
        }
    });
    FakeDaemon {
        socket,
        connections,
        requests,
    }
}

fn answer(
    stream: UnixStream,
    handler: &dyn Fn(&str) -> Reply,
    log: &std::sync::Mutex<Vec<String>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut first = String::new();
        if reader.read_line(&mut first).unwrap_or(0) == 0 {
            return;
        }
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
        }
        let mut parts = first.split(' ');
        let method = parts.next().unwrap_or_default().to_owned();
        let path = parts.next().unwrap_or_default().to_owned();
        log.lock().unwrap().push(format!("{method} {path}"));
        let reply = handler(&path);
        if writer.write_all(&reply.bytes).is_err() || reply.close {
            return;
        }
    }
}

fn options(socket: &Path, root: &Path) -> ProbeOptions {
    ProbeOptions {
        root: root.to_path_buf(),
        docker_host: Some(format!("unix://{}", socket.display())),
        host: false,
        daemon: true,
        containers: true,
        images: true,
        all_containers: true,
        container_names: Vec::new(),
        read_image_layers: false,
        timeout: Duration::from_secs(5),
    }
}

fn container_id(i: usize) -> String {
    format!("{i:04x}{}", "f".repeat(60))
}

/// A daemon with `n` containers (even ones running, each with one finished
/// exec), one image, and well-formed answers everywhere.
fn healthy(path: &str, n: usize) -> Reply {
    let path = path.strip_prefix("/v1.41").unwrap_or(path);
    if path == "/_ping" {
        return raw(
            b"HTTP/1.1 200 OK\r\nApi-Version: 1.51\r\nContent-Length: 2\r\n\r\nOK",
            false,
        );
    }
    if path == "/version" {
        return json_reply(200, &json!({"Version": "28.5.2", "ApiVersion": "1.51"}));
    }
    if path == "/info" {
        // Chunked, as dockerd sends large answers.
        let body =
            json!({"ServerVersion": "28.5.2", "SecurityOptions": ["name=seccomp,profile=builtin"]})
                .to_string();
        let (a, b) = body.split_at(10);
        let bytes = format!(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
            a.len(),
            b.len()
        );
        return raw(bytes.as_bytes(), false);
    }
    if path == "/plugins" {
        return json_reply(200, &json!([]));
    }
    if path == "/networks" {
        return json_reply(200, &json!([{"Name": "bridge", "Driver": "bridge"}]));
    }
    if path == "/containers/json?all=1" {
        let list: Vec<_> = (0..n)
            .map(|i| json!({"Id": container_id(i), "Names": [format!("/c{i}")]}))
            .collect();
        return json_reply(200, &json!(list));
    }
    if path == "/images/json" {
        return json_reply(200, &json!([{"Id": "sha256:aa"}]));
    }
    if path == "/images/sha256:aa/json" {
        return json_reply(200, &json!({"Id": "sha256:aa", "Config": {"User": ""}}));
    }
    if path == "/images/sha256:aa/history" {
        // Newest first, as dockerd answers.
        return json_reply(
            200,
            &json!([
                {"Id": "sha256:aa", "CreatedBy": "/bin/sh -c #(nop)  ENV A=b", "Size": 0},
                {"Id": "<missing>", "CreatedBy": "/bin/sh -c #(nop) ADD file:0 in / ", "Size": 5}
            ]),
        );
    }
    if path.starts_with("/exec/") {
        return json_reply(404, &json!({"message": "No such exec instance"}));
    }
    if let Some(rest) = path.strip_prefix("/containers/") {
        let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
        let i = id
            .get(..4)
            .and_then(|p| usize::from_str_radix(p, 16).ok())
            .unwrap_or(usize::MAX);
        if tail == "json" && i < n {
            let running = i % 2 == 0;
            return json_reply(
                200,
                &json!({"Id": id, "Name": format!("/c{i}"), "State": {"Running": running}, "ExecIDs": [format!("e{i}")]}),
            );
        }
        if tail == "top?ps_args=-eo%20user,pid,comm,args" && i < n {
            return json_reply(
                200,
                &json!({"Titles": ["USER", "PID", "COMMAND", "COMMAND"], "Processes": [["root", "1", "sh", "sh"]]}),
            );
        }
    }
    json_reply(404, &json!({"message": format!("page not found: {path}")}))
}

#[test]
fn fifty_containers_over_few_kept_alive_connections() {
    let dir = tempfile::tempdir().unwrap();
    let daemon = serve(dir.path(), |path| healthy(path, 50));
    let facts = collect(&options(&daemon.socket, dir.path()));

    assert_eq!(facts.problems, []);
    let d = facts.daemon.as_ref().unwrap();
    assert_eq!(
        d.endpoint.as_deref(),
        Some(format!("unix://{}", daemon.socket.display()).as_str())
    );
    assert_eq!(d.version.as_ref().unwrap()["Version"], "28.5.2");
    assert_eq!(
        d.info.as_ref().unwrap()["SecurityOptions"][0],
        "name=seccomp,profile=builtin"
    );
    assert_eq!(d.plugins, Some(json!([])));
    assert_eq!(d.networks.as_ref().unwrap()[0]["Name"], "bridge");

    assert_eq!(facts.containers.len(), 50);
    for (i, c) in facts.containers.iter().enumerate() {
        assert_eq!(c.inspect["Id"], container_id(i), "daemon order is kept");
        assert_eq!(
            c.top.is_some(),
            i % 2 == 0,
            "top only for running containers"
        );
        assert_eq!(
            c.execs,
            Vec::<serde_json::Value>::new(),
            "a vanished exec is skipped"
        );
    }
    assert_eq!(facts.images.len(), 1);
    assert_eq!(facts.images[0].setuid_files, None);
    let history: Vec<&str> = facts.images[0]
        .history
        .as_ref()
        .expect("history is collected")
        .iter()
        .map(|h| h.created_by.as_str())
        .collect();
    assert_eq!(
        history,
        [
            "/bin/sh -c #(nop) ADD file:0 in / ",
            "/bin/sh -c #(nop)  ENV A=b"
        ],
        "base first"
    );

    let requests = daemon.requests.lock().unwrap().clone();
    assert!(
        requests.iter().all(|r| r.starts_with("GET ")),
        "only GET is sent: {requests:?}"
    );
    assert!(
        requests.iter().any(|r| r == "GET /v1.41/info"),
        "the version prefix is 1.41 for a newer daemon"
    );
    // One connection for the listing plus one per worker per object kind.
    assert!(
        daemon.connections.load(Ordering::SeqCst) <= 9,
        "connections are kept alive"
    );
}

#[test]
fn container_names_select_and_unknown_names_are_problems() {
    let dir = tempfile::tempdir().unwrap();
    let daemon = serve(dir.path(), |path| healthy(path, 5));
    let mut opts = options(&daemon.socket, dir.path());
    opts.container_names = vec!["c3".into(), "0001".into(), "ghost".into()];
    opts.images = false;
    let facts = collect(&opts);
    let ids: Vec<&str> = facts
        .containers
        .iter()
        .map(|c| c.inspect["Id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [container_id(1), container_id(3)]);
    assert_eq!(facts.problems.len(), 1);
    assert_eq!(facts.problems[0].subject, "ghost");
}

#[test]
fn an_older_daemon_gets_its_own_api_version() {
    let dir = tempfile::tempdir().unwrap();
    let daemon = serve(dir.path(), |path| match path {
        "/_ping" => raw(
            b"HTTP/1.1 200 OK\r\nApi-Version: 1.40\r\nContent-Length: 2\r\n\r\nOK",
            false,
        ),
        _ => json_reply(200, &json!({"Path": path})),
    });
    let mut client = Client::new(
        Endpoint::Unix(daemon.socket.clone()),
        Duration::from_secs(5),
    );
    assert_eq!(client.negotiate().unwrap(), "1.40");
    assert_eq!(client.api_version(), Some("1.40"));
    assert_eq!(client.get_json("/info").unwrap()["Path"], "/v1.40/info");
}

#[test]
fn garbage_on_the_socket_is_one_problem_and_host_facts_stay() {
    let dir = tempfile::tempdir().unwrap();
    let daemon = serve(dir.path(), |_| raw(b"SSH-2.0-OpenSSH_9.2\r\n", true));
    std::fs::create_dir_all(dir.path().join("proc/sys/kernel")).unwrap();
    std::fs::write(dir.path().join("proc/sys/kernel/osrelease"), "6.1.0-test\n").unwrap();
    let mut opts = options(&daemon.socket, dir.path());
    opts.host = true;
    let facts = collect(&opts);
    assert_eq!(facts.host.as_ref().unwrap().kernel.release, "6.1.0-test");
    let api: Vec<_> = facts
        .problems
        .iter()
        .filter(|p| p.area == "daemon")
        .collect();
    assert_eq!(api.len(), 1, "{:?}", facts.problems);
    assert!(
        api[0].message.contains("malformed response"),
        "{}",
        api[0].message
    );
    assert!(facts.daemon.as_ref().unwrap().info.is_none());
    assert!(facts.containers.is_empty());
}

#[test]
fn truncated_invalid_and_failing_answers_keep_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let daemon = serve(dir.path(), |path| {
        match path.strip_prefix("/v1.41").unwrap_or(path) {
            "/info" => raw(
                b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Serv",
                true,
            ),
            "/plugins" => raw(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{nope", false),
            "/networks" => json_reply(500, &json!({"message": "boom"})),
            other => healthy(other, 0),
        }
    });
    let facts = collect(&options(&daemon.socket, dir.path()));
    let d = facts.daemon.as_ref().unwrap();
    assert_eq!(d.version.as_ref().unwrap()["Version"], "28.5.2");
    assert!(d.info.is_none() && d.plugins.is_none() && d.networks.is_none());
    let messages: Vec<(&str, &str)> = facts
        .problems
        .iter()
        .map(|p| (p.subject.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].1.contains("truncated"), "{messages:?}");
    assert!(messages[1].1.contains("invalid JSON"), "{messages:?}");
    assert!(messages[2].1.contains("HTTP 500: boom"), "{messages:?}");
    // Requests after the truncated one went over a new connection and worked.
    assert_eq!(facts.images.len(), 1);
}

#[test]
fn a_slow_daemon_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let daemon = serve(dir.path(), |path| {
        if path == "/_ping" {
            std::thread::sleep(Duration::from_secs(2));
        }
        healthy(path, 0)
    });
    let mut client = Client::new(
        Endpoint::Unix(daemon.socket.clone()),
        Duration::from_millis(100),
    );
    assert!(matches!(
        client.negotiate(),
        Err(EngineError::Timeout { .. })
    ));
}

#[test]
fn a_daemon_that_is_down_or_unsupported_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let facts = collect(&options(&dir.path().join("absent.sock"), dir.path()));
    assert_eq!(facts.problems.len(), 1);
    assert!(
        facts.problems[0]
            .message
            .starts_with("cannot connect to unix://"),
        "{:?}",
        facts.problems
    );
    assert!(
        facts.daemon.is_some(),
        "daemon facts are kept even without the API"
    );

    let mut opts = options(&dir.path().join("x"), dir.path());
    opts.docker_host = Some("https://docker.example:2376".into());
    let facts = collect(&opts);
    assert!(
        facts.problems[0]
            .message
            .contains("TLS endpoints are not supported yet")
    );
}
