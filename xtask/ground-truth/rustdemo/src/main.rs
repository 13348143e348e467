//! Prints the words of its arguments that look like versions.

use regex::Regex;
use smallvec::SmallVec;

fn main() {
    let version = Regex::new(r"^\d+(\.\d+)*$").expect("valid pattern");
    let mut hits: SmallVec<[String; 4]> = SmallVec::new();
    for arg in std::env::args().skip(1) {
        if version.is_match(&arg) {
            hits.push(arg);
        }
    }
    println!("{}", hits.join(" "));
}
