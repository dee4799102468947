//! The gwsim binary: parse the command line, run, print the error chain, set the exit status
//! (0 success, 1 a problem in the user's input, 2 an internal failure).

fn main() {
    std::process::exit(gwsim::cli::main());
}
