//! Prints the facts of this machine as JSON: `cargo run -p dockward_probe
//! --example dump_facts [-- --inside | --layers]`. A debugging aid until the
//! `dockward audit --save-facts` command exists.

// An example program writes its result to stdout.
#![allow(clippy::print_stdout)]

use dockward_probe::{ProbeOptions, collect, collect_inside};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = ProbeOptions {
        all_containers: true,
        read_image_layers: args.iter().any(|a| a == "--layers"),
        docker_host: std::env::var("DOCKER_HOST").ok(),
        ..ProbeOptions::default()
    };
    let facts = if args.iter().any(|a| a == "--inside") {
        collect_inside(&options)
    } else {
        collect(&options)
    };
    match serde_json::to_string_pretty(&facts) {
        Ok(json) => println!("{json}"),
        Err(e) => println!("{{\"error\": \"{e}\"}}"),
    }
}
