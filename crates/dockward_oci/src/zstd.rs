//! A zstd reader that decodes every frame of a stream, not just the first.
//!
//! A zstd stream is a sequence of frames (RFC 8878 §3.1): `zstd` writes one
//! per input file and concatenating `.zst` files is valid; `pzstd` and
//! seekable-format writers produce many frames plus skippable frames (magic
//! `0x184D2A50..=0x184D2A5F`, a 4-byte little-endian length, then that many
//! bytes of user data). ruzstd's `StreamingDecoder` stops after one frame, so
//! this loops: when a frame is drained, the next one starts at the following
//! byte; skippable frames are read past; a clean end of input after a frame
//! is the end of the stream. Anything else after a frame (not a frame magic,
//! a truncated header) is an error, as with the `zstd` tool.

use std::io::{self, BufRead, Read};

use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

/// Decodes all frames of a zstd stream read from `source`.
pub struct ZstdFrames<R: BufRead> {
    source: R,
    decoder: FrameDecoder,
    /// A frame is being decoded (its header was read).
    in_frame: bool,
    /// Frames (not skippable ones) started so far.
    frames: u64,
}

impl<R: BufRead> ZstdFrames<R> {
    /// A reader over `source`, which must start with a zstd frame or a
    /// skippable frame. Nothing is read until the first `read`.
    pub fn new(source: R) -> Self {
        ZstdFrames {
            source,
            decoder: FrameDecoder::new(),
            in_frame: false,
            frames: 0,
        }
    }

    /// Number of data frames started so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Starts the next frame. `Ok(false)` at the end of the input.
    fn next_frame(&mut self) -> io::Result<bool> {
        loop {
            if self.source.fill_buf()?.is_empty() {
                if self.frames == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "zstd: no frame in the stream",
                    ));
                }
                return Ok(false);
            }
            match self.decoder.reset(&mut self.source) {
                Ok(()) => {
                    self.in_frame = true;
                    self.frames += 1;
                    return Ok(true);
                }
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    let want = u64::from(length);
                    let skipped = io::copy(&mut (&mut self.source).take(want), &mut io::sink())?;
                    if skipped != want {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "zstd: truncated skippable frame",
                        ));
                    }
                }
                Err(e) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("zstd: frame {}: {e}", self.frames + 1),
                    ));
                }
            }
        }
    }
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.in_frame {
                while self.decoder.can_collect() == 0 && !self.decoder.is_finished() {
                    self.decoder
                        .decode_blocks(&mut self.source, BlockDecodingStrategy::UptoBlocks(1))
                        .map_err(|e| {
                            io::Error::new(
                                io::ErrorKind::InvalidData,
                                format!("zstd: frame {}: {e}", self.frames),
                            )
                        })?;
                }
                let n = self.decoder.read(buf)?;
                if n > 0 {
                    return Ok(n);
                }
                if self.decoder.is_finished() && self.decoder.can_collect() == 0 {
                    self.in_frame = false;
                }
            }
            if !self.in_frame && !self.next_frame()? {
                return Ok(0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruzstd::encoding::{CompressionLevel, compress_to_vec};

    fn decode(bytes: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        ZstdFrames::new(io::BufReader::new(bytes)).read_to_end(&mut out)?;
        Ok(out)
    }

    fn skippable(magic_low: u8, data: &[u8]) -> Vec<u8> {
        let mut out = vec![0x50 | magic_low, 0x2a, 0x4d, 0x18];
        out.extend((data.len() as u32).to_le_bytes());
        out.extend(data);
        out
    }

    #[test]
    fn concatenated_and_skippable_frames_are_all_decoded() {
        let a = compress_to_vec(&b"first frame "[..], CompressionLevel::Fastest);
        let b = compress_to_vec(&b"second frame"[..], CompressionLevel::Uncompressed);
        let mut stream = skippable(0xf, b"seek table");
        stream.extend(&a);
        stream.extend(skippable(0, b""));
        stream.extend(&b);
        stream.extend(skippable(3, b"trailer"));
        assert_eq!(decode(&stream).unwrap(), b"first frame second frame");
        assert_eq!(decode(&a).unwrap(), b"first frame ");
    }

    #[test]
    fn garbage_or_truncation_after_a_frame_is_an_error() {
        let a = compress_to_vec(&b"data"[..], CompressionLevel::Fastest);
        let mut junk = a.clone();
        junk.extend(b"junk");
        let err = decode(&junk).unwrap_err();
        assert!(err.to_string().contains("frame 2"), "{err}");
        let mut cut = a.clone();
        cut.extend(&a[..a.len() - 3]);
        assert!(decode(&cut).is_err());
        let mut short_skip = a.clone();
        short_skip.extend(&skippable(1, b"12345")[..10]);
        assert!(decode(&short_skip).is_err());
        assert!(decode(b"").is_err());
    }
}
