//! A tile server on 127.0.0.1 for the tests, standing in for the internet: it serves generated
//! PNG tiles, records every request (path and User-Agent), can be told to fail, and stops by
//! itself (when dropped, or after two minutes at most). Also makes the PNG tiles the MBTiles and
//! PMTiles tests store.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use raidmap::tiles::TileKey;

/// The longest a server runs, whatever the test does.
const LIFETIME: Duration = Duration::from_secs(120);

/// One request the server saw.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub path: String,
    pub user_agent: Option<String>,
}

/// How the server answers a path: status and body.
pub(crate) type Answer = Box<dyn Fn(&str, usize) -> (u16, Vec<u8>) + Send + Sync>;

pub(crate) struct TileServer {
    pub port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TileServer {
    /// A server answering `/{z}/{x}/{y}.png` (any numbers) with a tile of `rgb`, and 404 to
    /// anything else.
    pub(crate) fn solid(rgb: [u8; 3]) -> Self {
        Self::start(Box::new(move |path, _| match parse_tile_path(path) {
            Some(_) => (200, solid_png(rgb)),
            None => (404, Vec::new()),
        }))
    }

    /// A server whose answers `answer(path, times this path was asked before)` decides.
    pub(crate) fn start(answer: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("address").port();
        listener.set_nonblocking(true).expect("non-blocking");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let requests = requests.clone();
            let stop = stop.clone();
            std::thread::spawn(move || serve(listener, answer, requests, stop))
        };
        Self {
            port,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    pub(crate) fn url(&self, path_template: &str) -> String {
        format!("http://127.0.0.1:{}{path_template}", self.port)
    }

    pub(crate) fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("requests").clone()
    }

    pub(crate) fn paths(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.path).collect()
    }

    /// Stop listening and wait until the port is closed.
    pub(crate) fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for TileServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(
    listener: TcpListener,
    answer: Answer,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
) {
    let started = Instant::now();
    while !stop.load(Ordering::SeqCst) && started.elapsed() < LIFETIME {
        match listener.accept() {
            Ok((stream, _)) => {
                let _ = handle(stream, &answer, &requests);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => break,
        }
    }
}

fn handle(
    stream: TcpStream,
    answer: &Answer,
    requests: &Mutex<Vec<Request>>,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut first = String::new();
    reader.read_line(&mut first)?;
    let path = first.split_whitespace().nth(1).unwrap_or("").to_owned();
    let mut user_agent = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("user-agent")
        {
            user_agent = Some(value.trim().to_owned());
        }
    }
    let asked_before = {
        let mut requests = requests.lock().expect("requests");
        let n = requests.iter().filter(|r| r.path == path).count();
        requests.push(Request {
            path: path.clone(),
            user_agent,
        });
        n
    };
    let (status, body) = answer(&path, asked_before);
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

/// `/z/x/y.png` → the numbers.
pub(crate) fn parse_tile_path(path: &str) -> Option<(u8, u32, u32)> {
    let mut parts = path.trim_start_matches('/').split('/');
    let z = parts.next()?.parse().ok()?;
    let x = parts.next()?.parse().ok()?;
    let y = parts.next()?.strip_suffix(".png")?.parse().ok()?;
    Some((z, x, y))
}

/// A 256 px PNG tile of one colour.
pub(crate) fn solid_png(rgb: [u8; 3]) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(256, 256, image::Rgb(rgb));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("encode PNG");
    bytes.into_inner()
}

/// A 256 px PNG tile whose colour encodes its key, so a test can tell which tile it got.
pub(crate) fn key_png(key: TileKey) -> Vec<u8> {
    solid_png(key_colour(key))
}

pub(crate) fn key_colour(key: TileKey) -> [u8; 3] {
    [key.z * 10, (key.x % 251) as u8, (key.y % 251) as u8]
}

/// Wait until `done` or the deadline; true if done.
pub(crate) fn wait_for(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}
