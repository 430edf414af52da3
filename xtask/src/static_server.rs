//! A small static file server for the built page, as a course's static hosting would serve it:
//! under a sub-path (`/course/ciclo/`), with the MIME types browsers insist on
//! (`application/wasm` for streaming compilation, `text/javascript` for modules).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::{anyhow, Context, Result};
use tiny_http::{Header, Request, Response, Server};

/// The sub-path the page is served under.
pub const PREFIX: &str = "/course/ciclo/";

/// Request-handling threads: the browser fetches the wasm, JavaScript and CSS in parallel.
const THREADS: usize = 4;

/// A running server; stopped when dropped.
pub struct StaticServer {
    server: Arc<Server>,
    threads: Vec<JoinHandle<()>>,
    /// The page's address, ending in `/`.
    pub url: String,
}

impl StaticServer {
    /// Serves `dir` under [`PREFIX`] on 127.0.0.1 at a free port.
    pub fn start(dir: &Path) -> Result<Self> {
        let server =
            Server::http("127.0.0.1:0").map_err(|e| anyhow!("could not start the static server: {e}"))?;
        let address = server.server_addr().to_ip().context("the static server has no IP address")?;
        let server = Arc::new(server);
        let threads = (0..THREADS)
            .map(|_| {
                let server = Arc::clone(&server);
                let dir = dir.to_path_buf();
                std::thread::spawn(move || {
                    // `recv` fails once `unblock` is called: that is the signal to stop.
                    while let Ok(request) = server.recv() {
                        respond(&dir, request);
                    }
                })
            })
            .collect();
        Ok(StaticServer { server, threads, url: format!("http://{address}{PREFIX}") })
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        for _ in &self.threads {
            self.server.unblock();
        }
        for thread in self.threads.drain(..) {
            // A handler thread that panicked has nothing left to clean up.
            let _ = thread.join();
        }
    }
}

/// What a request resolves to.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    File(PathBuf),
    Redirect(String),
    NotFound,
}

fn respond(dir: &Path, request: Request) {
    let method_ok = matches!(request.method(), tiny_http::Method::Get | tiny_http::Method::Head);
    let route = if method_ok { route(dir, request.url()) } else { Route::NotFound };
    let not_found = || Response::from_string("not found").with_status_code(404).boxed();
    let response = match route {
        Route::File(path) => match File::open(&path) {
            Ok(file) => with_headers(
                Response::from_file(file).boxed(),
                &[("Content-Type", content_type(&path)), ("Cache-Control", "no-cache")],
            ),
            Err(_) => not_found(),
        },
        Route::Redirect(location) => with_headers(Response::empty(301).boxed(), &[("Location", &location)]),
        Route::NotFound => not_found(),
    };
    // A client that hung up cannot be told anything.
    let _ = request.respond(response);
}

fn with_headers<R: std::io::Read>(mut response: Response<R>, headers: &[(&str, &str)]) -> Response<R> {
    for (name, value) in headers {
        // Our names and values are ASCII, which `from_bytes` always accepts.
        if let Ok(header) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    response
}

fn route(dir: &Path, url: &str) -> Route {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if path == PREFIX.trim_end_matches('/') {
        return Route::Redirect(PREFIX.to_owned());
    }
    let Some(rest) = path.strip_prefix(PREFIX) else { return Route::NotFound };
    if rest.split('/').any(|segment| segment == ".." || segment.starts_with('.')) || rest.contains('\\') {
        return Route::NotFound;
    }
    let mut file = dir.join(rest);
    if rest.is_empty() || rest.ends_with('/') {
        file = file.join("index.html");
    }
    if file.is_file() {
        Route::File(file)
    } else {
        Route::NotFound
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|ext| ext.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str, expected: Route) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(route(dir, url), expected, "{url}");
    }

    #[test]
    fn serves_files_under_the_prefix_only() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        check("/course/ciclo/Cargo.toml", Route::File(dir.join("Cargo.toml")));
        check("/course/ciclo/src/main.rs?v=1", Route::File(dir.join("src/main.rs")));
        check("/course/ciclo", Route::Redirect("/course/ciclo/".into()));
        check("/Cargo.toml", Route::NotFound);
        check("/course/ciclo/missing.js", Route::NotFound);
        check("/course/ciclo/../Cargo.toml", Route::NotFound);
        check("/course/ciclo/src/../Cargo.toml", Route::NotFound);
        // The folder has no index.html.
        check("/course/ciclo/", Route::NotFound);
    }

    /// The status line and the Content-Type of a GET of `path`, over a real socket.
    fn get(server: &StaticServer, path: &str) -> std::io::Result<(String, Option<String>)> {
        use std::io::{Read, Write};
        let authority = server.url.trim_start_matches("http://").split('/').next().unwrap_or_default();
        let mut stream = std::net::TcpStream::connect(authority)?;
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n")?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        let status = response.lines().next().unwrap_or_default().to_owned();
        let content_type =
            response.lines().find_map(|line| line.strip_prefix("Content-Type: ").map(str::to_owned));
        Ok((status, content_type))
    }

    #[test]
    fn serves_under_the_sub_path_and_stops_when_dropped() -> Result<()> {
        let server = StaticServer::start(Path::new(env!("CARGO_MANIFEST_DIR")))?;
        assert!(server.url.starts_with("http://127.0.0.1:") && server.url.ends_with("/course/ciclo/"));
        let (status, content_type) = get(&server, "/course/ciclo/src/main.rs")?;
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert_eq!(content_type.as_deref(), Some("application/octet-stream"));
        assert_eq!(get(&server, "/src/main.rs")?.0, "HTTP/1.1 404 Not Found");
        // Dropping joins the handler threads; whether the port refuses connections at once afterwards
        // depends on tiny_http's accept thread and the kernel, so it is not asserted.
        drop(server);
        Ok(())
    }

    #[test]
    fn types_what_browsers_check() {
        assert_eq!(content_type(Path::new("app_bg.wasm")), "application/wasm");
        assert_eq!(content_type(Path::new("app.js")), "text/javascript; charset=utf-8");
        assert_eq!(content_type(Path::new("index.html")), "text/html; charset=utf-8");
        assert_eq!(content_type(Path::new("style-123.css")), "text/css; charset=utf-8");
        assert_eq!(content_type(Path::new("blob")), "application/octet-stream");
    }
}
