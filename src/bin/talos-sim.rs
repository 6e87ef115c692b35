//! `talos-sim`: the stand-in Talos daemon. All of it lives in `talos::sim`.

fn main() -> std::process::ExitCode {
    talos::sim::main()
}
