//! The decompression floor of an image read: decompresses layer blobs to nothing with the
//! decoders the reader uses (flate2/zlib-rs for gzip, ruzstd for zstd; plain blobs are read
//! through), on as many threads as the reader would use (one per core, at most one per
//! layer). No hashing, no tar parsing. `bench/scan-vs-trivy.sh` times it.
//!
//!     cargo run --release -p dockward_oci --example decompress -- BLOB...

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicUsize, Ordering};

fn decompress(path: &str) -> io::Result<u64> {
    let mut reader = BufReader::with_capacity(64 * 1024, std::fs::File::open(path)?);
    let magic = reader.fill_buf()?.to_vec();
    let mut decoder: Box<dyn Read> = if magic.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::bufread::MultiGzDecoder::new(reader))
    } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Box::new(ruzstd::decoding::StreamingDecoder::new(reader).map_err(io::Error::other)?)
    } else {
        Box::new(reader)
    };
    io::copy(&mut decoder, &mut io::sink())
}

fn main() {
    let blobs: Vec<String> = std::env::args().skip(1).collect();
    if blobs.is_empty() {
        eprintln!("usage: decompress BLOB...");
        std::process::exit(2);
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(blobs.len());
    let next = AtomicUsize::new(0);
    let total = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(blob) = blobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    match decompress(blob) {
                        Ok(n) => {
                            total.fetch_add(n as usize, Ordering::Relaxed);
                        }
                        Err(e) => {
                            eprintln!("{blob}: {e}");
                            std::process::exit(1);
                        }
                    }
                }
            });
        }
    });
    println!("{} bytes decompressed", total.load(Ordering::Relaxed));
}
