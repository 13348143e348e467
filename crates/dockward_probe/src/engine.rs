//! A small blocking Engine API client: HTTP/1.1 `GET` over the daemon's Unix
//! socket (or plain TCP), keep-alive, bounded reads, read and write timeouts.
//! Bodies are read into memory (up to [`MAX_BODY`]) or, for large ones such as
//! image exports, streamed to a writer ([`Client::get_to_writer`]); both
//! handle `Content-Length`, chunked and read-until-close bodies.
//!
//! Only `GET` is ever sent. TLS endpoints are refused with
//! [`EngineError::Unsupported`] rather than silently spoken to in clear text.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The API version dockward asks for. Docker 20.10 speaks 1.41; newer daemons
/// still serve it, so inspect output keeps one shape.
pub const API_VERSION: &str = "1.41";

/// The default rootful socket.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// Largest response body accepted.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// Largest status line plus headers accepted.
pub const MAX_HEAD: usize = 64 * 1024;

/// Where the daemon listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `unix:///path`.
    Unix(PathBuf),
    /// `tcp://host:port` without TLS.
    Tcp(String),
}

impl Endpoint {
    /// Parses a `DOCKER_HOST` value. `tls` is whether `DOCKER_TLS_VERIFY` asks
    /// for TLS.
    pub fn parse(value: &str, tls: bool) -> Result<Self, EngineError> {
        let value = value.trim();
        if let Some(path) = value.strip_prefix("unix://") {
            if !path.starts_with('/') {
                return Err(EngineError::InvalidEndpoint {
                    endpoint: value.to_owned(),
                    reason: "a unix endpoint needs an absolute path".to_owned(),
                });
            }
            return Ok(Self::Unix(PathBuf::from(path)));
        }
        let plain = value
            .strip_prefix("tcp://")
            .or_else(|| value.strip_prefix("http://"));
        if let Some(rest) = plain {
            if tls {
                return Err(EngineError::Unsupported {
                    endpoint: value.to_owned(),
                    reason: "TLS endpoints are not supported yet (DOCKER_TLS_VERIFY is set)"
                        .to_owned(),
                });
            }
            let authority = rest.split('/').next().unwrap_or_default();
            if authority.is_empty() {
                return Err(EngineError::InvalidEndpoint {
                    endpoint: value.to_owned(),
                    reason: "no host".to_owned(),
                });
            }
            let has_port = authority
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.ends_with(':') && port.parse::<u16>().is_ok());
            let authority = if has_port {
                authority.to_owned()
            } else {
                format!("{authority}:2375")
            };
            return Ok(Self::Tcp(authority));
        }
        if value.starts_with("https://") {
            return Err(EngineError::Unsupported {
                endpoint: value.to_owned(),
                reason: "TLS endpoints are not supported yet".to_owned(),
            });
        }
        Err(EngineError::Unsupported {
            endpoint: value.to_owned(),
            reason: "only unix:// and tcp:// endpoints are supported".to_owned(),
        })
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unix(path) => write!(f, "unix://{}", path.display()),
            Self::Tcp(authority) => write!(f, "tcp://{authority}"),
        }
    }
}

/// What went wrong talking to the daemon.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The endpoint string is not usable.
    #[error("invalid endpoint {endpoint}: {reason}")]
    InvalidEndpoint { endpoint: String, reason: String },
    /// The endpoint is of a kind this client does not speak.
    #[error("endpoint {endpoint}: {reason}")]
    Unsupported { endpoint: String, reason: String },
    /// The connection could not be made (daemon down, no permission).
    #[error("cannot connect to {endpoint}")]
    Connect {
        endpoint: String,
        #[source]
        source: io::Error,
    },
    /// Reading or writing failed.
    #[error("GET {path}: i/o error")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    /// The daemon did not answer within the timeout.
    #[error("GET {path}: timed out")]
    Timeout { path: String },
    /// The answer is not HTTP.
    #[error("GET {path}: malformed response: {reason}")]
    Malformed { path: String, reason: String },
    /// The connection closed before the body was complete.
    #[error("GET {path}: response truncated")]
    Truncated { path: String },
    /// The head or the body is larger than the limits.
    #[error("GET {path}: response larger than {limit} bytes")]
    TooLarge { path: String, limit: usize },
    /// Writing a streamed body failed (disk full, closed pipe).
    #[error("GET {path}: cannot write the body")]
    Write {
        path: String,
        #[source]
        source: io::Error,
    },
    /// A non-2xx status.
    #[error("GET {path}: HTTP {status}: {message}")]
    Status {
        path: String,
        status: u16,
        message: String,
    },
    /// The body is not JSON.
    #[error("GET {path}: invalid JSON")]
    Json {
        path: String,
        #[source]
        source: serde_json::Error,
    },
}

impl EngineError {
    /// Whether the daemon could not be reached at all (so further requests are
    /// pointless).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            Self::Connect { .. } | Self::InvalidEndpoint { .. } | Self::Unsupported { .. }
        )
    }
}

/// One HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Header names (lower-cased) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header of that (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The head of a response whose body was streamed to a writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Streamed {
    /// Status code (2xx).
    pub status: u16,
    /// Header names (lower-cased) and values, in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes written, de-chunked.
    pub bytes: u64,
}

enum Stream {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Unix(s) => s.read(buf),
            Self::Tcp(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Unix(s) => s.write(buf),
            Self::Tcp(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Unix(s) => s.flush(),
            Self::Tcp(s) => s.flush(),
        }
    }
}

/// A client for one endpoint; keeps one connection alive between requests.
/// Not shared between threads: give each worker its own (see [`Client::fork`]).
pub struct Client {
    endpoint: Endpoint,
    timeout: Duration,
    version: Option<String>,
    conn: Option<BufReader<Stream>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint)
            .field("timeout", &self.timeout)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client; nothing is connected yet. A zero timeout means 10 seconds.
    pub fn new(endpoint: Endpoint, timeout: Duration) -> Self {
        let timeout = if timeout.is_zero() {
            Duration::from_secs(10)
        } else {
            timeout
        };
        Self {
            endpoint,
            timeout,
            version: None,
            conn: None,
        }
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// A new client for the same endpoint and negotiated version, with its own
    /// connection.
    #[must_use]
    pub fn fork(&self) -> Self {
        Self {
            endpoint: self.endpoint.clone(),
            timeout: self.timeout,
            version: self.version.clone(),
            conn: None,
        }
    }

    /// `GET /_ping` (falling back to `/version`) and choose the API version:
    /// [`API_VERSION`], or the daemon's own when it is older. Returns the
    /// version the daemon reported.
    pub fn negotiate(&mut self) -> Result<String, EngineError> {
        let ping = self.get_raw("/_ping")?;
        let daemon = match ping.header("api-version") {
            Some(v) if ping.status / 100 == 2 => v.trim().to_owned(),
            _ => {
                let version = self.get_raw_json("/version")?;
                version
                    .get("ApiVersion")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or(API_VERSION)
                    .to_owned()
            }
        };
        let chosen = if version_key(&daemon) < version_key(API_VERSION) {
            daemon.clone()
        } else {
            API_VERSION.to_owned()
        };
        self.version = Some(chosen);
        Ok(daemon)
    }

    /// The API version prefix in use, after [`Client::negotiate`].
    pub fn api_version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// `GET /v<version><path>` and parse the body as JSON; non-2xx is an error.
    pub fn get_json(&mut self, path: &str) -> Result<serde_json::Value, EngineError> {
        let full = match &self.version {
            Some(v) => format!("/v{v}{path}"),
            None => path.to_owned(),
        };
        self.get_raw_json(&full)
    }

    fn get_raw_json(&mut self, path: &str) -> Result<serde_json::Value, EngineError> {
        let response = self.get_raw(path)?;
        if response.status / 100 != 2 {
            return Err(EngineError::Status {
                path: path.to_owned(),
                status: response.status,
                message: error_message(&response.body),
            });
        }
        serde_json::from_slice(&response.body).map_err(|source| EngineError::Json {
            path: path.to_owned(),
            source,
        })
    }

    /// `GET path` verbatim (no version prefix); any status is returned.
    pub fn get_raw(&mut self, path: &str) -> Result<Response, EngineError> {
        let reused = self.conn.is_some();
        match self.attempt(path) {
            // A kept-alive connection the daemon closed meanwhile: retry once on a fresh one.
            Err(Failure::Stale(_)) if reused => {
                self.conn = None;
                self.attempt(path).map_err(Failure::into_error)
            }
            other => other.map_err(Failure::into_error),
        }
    }

    /// `GET path` verbatim and stream a 2xx body into `out`, at most `limit`
    /// bytes ([`EngineError::TooLarge`] past it; what was written stays in
    /// `out` for the caller to discard). A non-2xx answer is
    /// [`EngineError::Status`] with the daemon's message.
    pub fn get_to_writer(
        &mut self,
        path: &str,
        out: &mut dyn Write,
        limit: u64,
    ) -> Result<Streamed, EngineError> {
        let reused = self.conn.is_some();
        let mut sink = Sink::Writer { out, limit };
        let result = match self.attempt_into(path, &mut sink) {
            Err(Failure::Stale(_)) if reused => {
                self.conn = None;
                self.attempt_into(path, &mut sink)
            }
            other => other,
        };
        let (head, bytes) = result.map_err(Failure::into_error)?;
        match sink {
            Sink::Error(body) => Err(EngineError::Status {
                path: path.to_owned(),
                status: head.status,
                message: error_message(&body),
            }),
            Sink::Writer { .. } | Sink::Memory(_) => Ok(Streamed {
                status: head.status,
                headers: head.headers,
                bytes,
            }),
        }
    }

    fn connect(&self) -> Result<BufReader<Stream>, EngineError> {
        let connect_err = |source| EngineError::Connect {
            endpoint: self.endpoint.to_string(),
            source,
        };
        let stream = match &self.endpoint {
            Endpoint::Unix(path) => Stream::Unix(UnixStream::connect(path).map_err(connect_err)?),
            Endpoint::Tcp(authority) => {
                let addrs = authority.to_socket_addrs().map_err(connect_err)?;
                let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
                let mut found = None;
                for addr in addrs {
                    match TcpStream::connect_timeout(&addr, self.timeout) {
                        Ok(s) => {
                            found = Some(s);
                            break;
                        }
                        Err(e) => last = e,
                    }
                }
                Stream::Tcp(found.ok_or_else(|| connect_err(last))?)
            }
        };
        let set = |r: io::Result<()>| r.map_err(connect_err);
        match &stream {
            Stream::Unix(s) => {
                set(s.set_read_timeout(Some(self.timeout)))?;
                set(s.set_write_timeout(Some(self.timeout)))?;
            }
            Stream::Tcp(s) => {
                set(s.set_read_timeout(Some(self.timeout)))?;
                set(s.set_write_timeout(Some(self.timeout)))?;
            }
        }
        Ok(BufReader::with_capacity(64 * 1024, stream))
    }

    fn attempt(&mut self, path: &str) -> Result<Response, Failure> {
        let mut body = Vec::new();
        let (head, _) = self.attempt_into(path, &mut Sink::Memory(&mut body))?;
        Ok(Response {
            status: head.status,
            headers: head.headers,
            body,
        })
    }

    fn attempt_into(&mut self, path: &str, sink: &mut Sink<'_>) -> Result<(Head, u64), Failure> {
        let mut conn = match self.conn.take() {
            Some(c) => c,
            None => self.connect().map_err(Failure::Fatal)?,
        };
        let host = match &self.endpoint {
            Endpoint::Unix(_) => "docker",
            Endpoint::Tcp(authority) => authority.as_str(),
        };
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: dockward/{}\r\nAccept: application/json\r\n\r\n",
            env!("CARGO_PKG_VERSION")
        );
        if let Err(e) = conn
            .get_mut()
            .write_all(request.as_bytes())
            .and_then(|()| conn.get_mut().flush())
        {
            return Err(Failure::Stale(io_error(path, e)));
        }
        let head = read_head(&mut conn, path)?;
        if head.status / 100 != 2
            && let Sink::Writer { .. } = sink
        {
            *sink = Sink::Error(Vec::new());
        }
        let bytes = read_body(&mut conn, path, &head, sink).map_err(Failure::Fatal)?;
        if head.reusable {
            self.conn = Some(conn);
        }
        Ok((head, bytes))
    }
}

/// Where a body goes.
enum Sink<'a> {
    /// Into memory, at most [`MAX_BODY`] bytes.
    Memory(&'a mut Vec<u8>),
    /// Into a writer, at most `limit` bytes.
    Writer { out: &'a mut dyn Write, limit: u64 },
    /// A non-2xx answer to a streamed request: its (small) body, for the message.
    Error(Vec<u8>),
}

impl Sink<'_> {
    fn limit(&self) -> u64 {
        match self {
            Self::Writer { limit, .. } => *limit,
            Self::Memory(_) | Self::Error(_) => MAX_BODY as u64,
        }
    }

    fn write(&mut self, bytes: &[u8], path: &str) -> Result<(), EngineError> {
        match self {
            Self::Memory(body) => {
                body.extend_from_slice(bytes);
                Ok(())
            }
            Self::Error(body) => {
                body.extend_from_slice(bytes);
                Ok(())
            }
            Self::Writer { out, .. } => out.write_all(bytes).map_err(|source| EngineError::Write {
                path: path.to_owned(),
                source,
            }),
        }
    }
}

/// The daemon's `{"message": ...}`, else the body's first 200 characters.
fn error_message(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("message")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| {
            String::from_utf8_lossy(body)
                .trim()
                .chars()
                .take(200)
                .collect()
        })
}

/// An error, and whether it happened before the daemon said anything (so the
/// request may be retried on a new connection).
enum Failure {
    Stale(EngineError),
    Fatal(EngineError),
}

impl Failure {
    fn into_error(self) -> EngineError {
        match self {
            Self::Stale(e) | Self::Fatal(e) => e,
        }
    }
}

fn io_error(path: &str, e: io::Error) -> EngineError {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => EngineError::Timeout {
            path: path.to_owned(),
        },
        io::ErrorKind::UnexpectedEof => EngineError::Truncated {
            path: path.to_owned(),
        },
        _ => EngineError::Io {
            path: path.to_owned(),
            source: e,
        },
    }
}

fn version_key(v: &str) -> (u32, u32) {
    let mut parts = v.trim().split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Reads one line (up to and including `\n`), at most `budget` bytes; the budget
/// is decreased. `Ok(None)` at a clean EOF before any byte.
fn read_line<R: BufRead>(
    reader: &mut R,
    budget: &mut usize,
    path: &str,
) -> Result<Option<Vec<u8>>, EngineError> {
    let mut line = Vec::new();
    loop {
        let available = reader.fill_buf().map_err(|e| io_error(path, e))?;
        if available.is_empty() {
            return if line.is_empty() {
                Ok(None)
            } else {
                Err(EngineError::Truncated {
                    path: path.to_owned(),
                })
            };
        }
        let (take, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if take > *budget {
            return Err(EngineError::TooLarge {
                path: path.to_owned(),
                limit: MAX_HEAD,
            });
        }
        *budget -= take;
        line.extend_from_slice(available.get(..take).unwrap_or_default());
        reader.consume(take);
        if done {
            while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                line.pop();
            }
            return Ok(Some(line));
        }
    }
}

/// Parses one complete HTTP/1.1 response (head and body) from `bytes`, as the
/// client does off the socket. For the fuzz target and tests.
pub fn parse_response(bytes: &[u8]) -> Result<Response, EngineError> {
    let mut reader = std::io::BufReader::new(bytes);
    read_response(&mut reader, "/fuzz")
        .map(|(response, _)| response)
        .map_err(Failure::into_error)
}

/// Reads a response into memory; returns it and whether the connection can be reused.
fn read_response<R: BufRead>(reader: &mut R, path: &str) -> Result<(Response, bool), Failure> {
    let head = read_head(reader, path)?;
    let mut body = Vec::new();
    read_body(reader, path, &head, &mut Sink::Memory(&mut body)).map_err(Failure::Fatal)?;
    Ok((
        Response {
            status: head.status,
            headers: head.headers,
            body,
        },
        head.reusable,
    ))
}

/// How a body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    None,
    Chunked,
    Length(u64),
    UntilClose,
}

/// A status line and headers.
struct Head {
    status: u16,
    headers: Vec<(String, String)>,
    framing: Framing,
    /// Whether the connection can carry another request after the body.
    reusable: bool,
}

/// Reads the status line and headers (interim 1xx responses skipped).
fn read_head<R: BufRead>(reader: &mut R, path: &str) -> Result<Head, Failure> {
    let malformed = |reason: &str| EngineError::Malformed {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let mut budget = MAX_HEAD;
    let (status, http10, headers) = loop {
        let first = match read_line(reader, &mut budget, path) {
            Ok(Some(line)) => line,
            Ok(None) => {
                return Err(Failure::Stale(EngineError::Truncated {
                    path: path.to_owned(),
                }));
            }
            Err(e @ EngineError::Io { .. }) => return Err(Failure::Stale(e)),
            Err(e) => return Err(Failure::Fatal(e)),
        };
        let first = String::from_utf8(first)
            .map_err(|_| Failure::Fatal(malformed("status line is not text")))?;
        let mut parts = first.splitn(3, ' ');
        let version = parts.next().unwrap_or_default();
        if !version.starts_with("HTTP/1.") {
            let shown: String = first.chars().take(40).collect();
            return Err(Failure::Fatal(malformed(&format!(
                "not an HTTP status line: {shown:?}"
            ))));
        }
        let status = parts
            .next()
            .and_then(|s| s.parse::<u16>().ok())
            .filter(|s| (100..600).contains(s))
            .ok_or_else(|| Failure::Fatal(malformed("bad status code")))?;
        let mut headers = Vec::new();
        loop {
            let line = read_line(reader, &mut budget, path)
                .map_err(Failure::Fatal)?
                .ok_or_else(|| {
                    Failure::Fatal(EngineError::Truncated {
                        path: path.to_owned(),
                    })
                })?;
            if line.is_empty() {
                break;
            }
            let line = String::from_utf8_lossy(&line);
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| Failure::Fatal(malformed("header without ':'")))?;
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
        // Interim responses (100 Continue) carry no body; the real one follows.
        if (100..200).contains(&status) && status != 101 {
            continue;
        }
        break (status, version == "HTTP/1.0", headers);
    };
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let connection = header("connection")
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let mut reusable = if http10 {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    let chunked =
        header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let framing = if status == 204 || status == 304 {
        Framing::None
    } else if chunked {
        Framing::Chunked
    } else if let Some(length) = header("content-length") {
        Framing::Length(
            length
                .trim()
                .parse()
                .map_err(|_| Failure::Fatal(malformed("bad Content-Length")))?,
        )
    } else {
        reusable = false;
        Framing::UntilClose
    };
    Ok(Head {
        status,
        headers,
        framing,
        reusable,
    })
}

fn too_large(path: &str, limit: u64) -> EngineError {
    EngineError::TooLarge {
        path: path.to_owned(),
        limit: usize::try_from(limit).unwrap_or(usize::MAX),
    }
}

/// Copies exactly `n` bytes (or, with `n` = `None`, up to end of input) from
/// `reader` to `sink`. Returns the count.
fn copy_exact<R: BufRead>(
    reader: &mut R,
    path: &str,
    n: Option<u64>,
    sink: &mut Sink<'_>,
) -> Result<u64, EngineError> {
    let mut copied = 0u64;
    loop {
        if n.is_some_and(|n| copied == n) {
            return Ok(copied);
        }
        let available = reader.fill_buf().map_err(|e| io_error(path, e))?;
        if available.is_empty() {
            return match n {
                None => Ok(copied),
                Some(_) => Err(EngineError::Truncated {
                    path: path.to_owned(),
                }),
            };
        }
        let want = n.map_or(available.len() as u64, |n| n - copied);
        let take = usize::try_from(want)
            .unwrap_or(usize::MAX)
            .min(available.len());
        sink.write(available.get(..take).unwrap_or_default(), path)?;
        reader.consume(take);
        copied += take as u64;
    }
}

/// Reads the body `head` announces into `sink`, bounded by the sink's limit.
fn read_body<R: BufRead>(
    reader: &mut R,
    path: &str,
    head: &Head,
    sink: &mut Sink<'_>,
) -> Result<u64, EngineError> {
    let limit = sink.limit();
    match head.framing {
        Framing::None => Ok(0),
        Framing::Length(length) => {
            if length > limit {
                return Err(too_large(path, limit));
            }
            copy_exact(reader, path, Some(length), sink)
        }
        Framing::UntilClose => {
            let mut bounded = reader.take(limit + 1);
            let n = copy_exact(&mut bounded, path, None, sink)?;
            if n > limit {
                return Err(too_large(path, limit));
            }
            Ok(n)
        }
        Framing::Chunked => read_chunked(reader, path, sink, limit),
    }
}

fn read_chunked<R: BufRead>(
    reader: &mut R,
    path: &str,
    sink: &mut Sink<'_>,
    limit: u64,
) -> Result<u64, EngineError> {
    let malformed = |reason: &str| EngineError::Malformed {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let truncated = || EngineError::Truncated {
        path: path.to_owned(),
    };
    let mut total = 0u64;
    loop {
        // Each chunk-size line and the trailers get their own head budget.
        let mut budget = MAX_HEAD;
        let line = read_line(reader, &mut budget, path)?.ok_or_else(truncated)?;
        let line = String::from_utf8_lossy(&line);
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = u64::from_str_radix(size, 16).map_err(|_| malformed("bad chunk size"))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !read_line(reader, &mut budget, path)?
                .ok_or_else(truncated)?
                .is_empty()
            {}
            return Ok(total);
        }
        if size > limit.saturating_sub(total) {
            return Err(too_large(path, limit));
        }
        total += copy_exact(reader, path, Some(size), sink)?;
        let end = read_line(reader, &mut budget, path)?.ok_or_else(truncated)?;
        if !end.is_empty() {
            return Err(malformed("chunk not followed by CRLF"));
        }
    }
}

/// The endpoint to use: `docker_host` when given, else the rootful socket, else
/// the rootless one (`$XDG_RUNTIME_DIR/docker.sock`) when it exists and the
/// rootful one does not. Existence is checked under `root`; the returned path is
/// the one to connect to (under `root`).
pub fn resolve_endpoint(
    docker_host: Option<&str>,
    tls_verify: bool,
    root: &Path,
    xdg_runtime_dir: Option<&str>,
) -> Result<Endpoint, EngineError> {
    if let Some(host) = docker_host.filter(|h| !h.trim().is_empty()) {
        return Endpoint::parse(host, tls_verify);
    }
    let rootful = crate::fs::under(root, DEFAULT_SOCKET);
    if !rootful.exists()
        && let Some(dir) = xdg_runtime_dir.filter(|d| d.starts_with('/'))
    {
        let rootless =
            crate::fs::under(root, &format!("{}/docker.sock", dir.trim_end_matches('/')));
        if rootless.exists() {
            return Ok(Endpoint::Unix(rootless));
        }
    }
    Ok(Endpoint::Unix(rootful))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8]) -> Result<(Response, bool), EngineError> {
        read_response(&mut BufReader::new(raw), "/x").map_err(Failure::into_error)
    }

    #[test]
    fn content_length_body() {
        let (r, reusable) =
            parse(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nApi-Version: 1.41\r\n\r\n{}").unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.body, b"{}");
        assert_eq!(r.header("api-version"), Some("1.41"));
        assert!(reusable);
    }

    #[test]
    fn chunked_body_with_extension_and_trailer() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n";
        let (r, _) = parse(raw).unwrap();
        assert_eq!(r.body, b"abcde");
    }

    #[test]
    fn connection_close_reads_to_eof_and_is_not_reused() {
        let (r, reusable) = parse(b"HTTP/1.0 200 OK\r\n\r\nhello").unwrap();
        assert_eq!(r.body, b"hello");
        assert!(!reusable);
        let (_, reusable) =
            parse(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").unwrap();
        assert!(!reusable);
    }

    #[test]
    fn errors_are_typed() {
        assert!(matches!(
            parse(b"SSH-2.0-OpenSSH\r\n"),
            Err(EngineError::Malformed { .. })
        ));
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
            Err(EngineError::Truncated { .. })
        ));
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Le"),
            Err(EngineError::Truncated { .. })
        ));
        assert!(matches!(
            parse(b"HTTP/1.1 abc OK\r\n\r\n"),
            Err(EngineError::Malformed { .. })
        ));
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
            Err(EngineError::Malformed { .. })
        ));
        assert!(matches!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n"),
            Err(EngineError::TooLarge { .. })
        ));
        let mut huge = b"HTTP/1.1 200 OK\r\nX: ".to_vec();
        huge.extend(std::iter::repeat_n(b'a', MAX_HEAD + 10));
        assert!(matches!(parse(&huge), Err(EngineError::TooLarge { .. })));
    }

    #[test]
    fn interim_response_is_skipped() {
        let (r, _) = parse(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.status, 404);
    }

    #[test]
    fn endpoints() {
        assert_eq!(
            Endpoint::parse("unix:///run/docker.sock", false).unwrap(),
            Endpoint::Unix("/run/docker.sock".into())
        );
        assert_eq!(
            Endpoint::parse("tcp://10.0.0.1:2375", false).unwrap(),
            Endpoint::Tcp("10.0.0.1:2375".into())
        );
        assert_eq!(
            Endpoint::parse("tcp://dockerhost", false).unwrap(),
            Endpoint::Tcp("dockerhost:2375".into())
        );
        let tls = Endpoint::parse("tcp://10.0.0.1:2376", true).unwrap_err();
        assert!(
            tls.to_string()
                .contains("TLS endpoints are not supported yet"),
            "{tls}"
        );
        assert!(matches!(
            Endpoint::parse("https://h:2376", false),
            Err(EngineError::Unsupported { .. })
        ));
        assert!(matches!(
            Endpoint::parse("ssh://me@h", false),
            Err(EngineError::Unsupported { .. })
        ));
        assert!(matches!(
            Endpoint::parse("unix://rel", false),
            Err(EngineError::InvalidEndpoint { .. })
        ));
        assert_eq!(Endpoint::Unix("/a".into()).to_string(), "unix:///a");
    }

    /// A Unix-socket server answering one connection's requests with
    /// `responses`, in order.
    fn serve(responses: Vec<Vec<u8>>) -> (tempfile::TempDir, Client) {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("d.sock");
        let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut out = stream;
            for response in responses {
                let mut line = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                if out.write_all(&response).is_err() {
                    return;
                }
            }
        });
        let client = Client::new(Endpoint::Unix(sock), Duration::from_secs(10));
        (dir, client)
    }

    fn chunked(body: &[u8], chunk: usize) -> Vec<u8> {
        let mut out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for c in body.chunks(chunk) {
            out.extend(format!("{:x}\r\n", c.len()).as_bytes());
            out.extend(c);
            out.extend(b"\r\n");
        }
        out.extend(b"0\r\n\r\n");
        out
    }

    #[test]
    fn large_chunked_bodies_stream_to_a_writer_and_the_connection_is_reused() {
        // Many small chunks: more chunk-size lines than one head budget holds.
        let body: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut plain =
            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", 70_000).into_bytes();
        plain.extend(std::iter::repeat_n(7u8, 70_000));
        let (_dir, mut client) = serve(vec![chunked(&body, 100), plain]);
        let mut out = Vec::new();
        let streamed = client
            .get_to_writer("/images/x/get", &mut out, 1 << 30)
            .unwrap();
        assert_eq!(streamed.status, 200);
        assert_eq!(streamed.bytes, body.len() as u64);
        assert!(out == body);
        let mut out = Vec::new();
        let streamed = client.get_to_writer("/again", &mut out, 1 << 30).unwrap();
        assert_eq!((streamed.bytes, out.len()), (70_000, 70_000));
    }

    /// A writer that always fails, like a full disk.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::other("no space left on device"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn streaming_limits_errors_and_statuses() {
        let body = vec![1u8; 10_000];
        let (_dir, mut client) = serve(vec![chunked(&body, 1000)]);
        let err = client
            .get_to_writer("/x", &mut Vec::new(), 5_000)
            .unwrap_err();
        assert!(
            matches!(err, EngineError::TooLarge { limit: 5_000, .. }),
            "{err}"
        );

        let mut length = b"HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n".to_vec();
        length.extend(&body);
        let (_dir, mut client) = serve(vec![length.clone()]);
        let err = client
            .get_to_writer("/x", &mut Vec::new(), 9_999)
            .unwrap_err();
        assert!(matches!(err, EngineError::TooLarge { .. }), "{err}");

        let (_dir, mut client) = serve(vec![{
            let msg = "{\"message\":\"No such image: nope:1\"}\n";
            format!(
                "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\n\r\n{msg}",
                msg.len()
            )
            .into_bytes()
        }]);
        let err = client
            .get_to_writer("/images/nope/get", &mut Vec::new(), 1 << 20)
            .unwrap_err();
        assert!(
            matches!(&err, EngineError::Status { status: 404, message, .. } if message == "No such image: nope:1"),
            "{err}"
        );

        // The daemon closes halfway through a chunked body.
        let mut cut = chunked(&body, 1000);
        cut.truncate(cut.len() / 2);
        let (_dir, mut client) = serve(vec![cut]);
        let err = client
            .get_to_writer("/x", &mut Vec::new(), 1 << 20)
            .unwrap_err();
        assert!(matches!(err, EngineError::Truncated { .. }), "{err}");

        // The writer fails (disk full).
        let (_dir, mut client) = serve(vec![length]);
        let err = client.get_to_writer("/x", &mut Full, 1 << 20).unwrap_err();
        assert!(matches!(err, EngineError::Write { .. }), "{err}");
    }

    #[test]
    fn version_ordering() {
        assert!(version_key("1.9") < version_key("1.41"));
        assert!(version_key("1.51") > version_key("1.41"));
    }
}
