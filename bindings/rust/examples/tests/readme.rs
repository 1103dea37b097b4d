//! The README's Rust quickstart is examples/quickstart.rs verbatim, so the
//! README's code is what the tests compile and run.
#[test]
fn readme_quickstart_is_the_compiled_example() {
    let readme = include_str!("../../../../README.md");
    let start = readme.find("<!-- rust-quickstart -->").expect("README has the <!-- rust-quickstart --> marker");
    let rest = &readme[start..];
    let code_start = rest.find("```rust\n").expect("a ```rust block after the marker") + "```rust\n".len();
    let code_len = rest[code_start..].find("```").unwrap();
    assert_eq!(&rest[code_start..code_start + code_len], include_str!("../quickstart.rs"));
}
