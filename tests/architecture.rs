//! The shape of `src/`, checked so it stays true (ARCHITECTURE.md, "Invariants"): no import
//! cycle between files, no function over 100 lines, no folder with more than 12 source files.
//!
//! A file *imports* another when its code (outside `#[cfg(test)]` items) names an item
//! defined there by a path: a leaf of a `use` tree, or a path in the code (`crate::…`,
//! `super::…`, `self::…`, a child module's name, a module brought in by `use`). A path leads to
//! the file that defines the item, through re-exports (`pub use`). A module naming the items of
//! modules it contains does not count (a folder's `mod.rs` is its table of contents, and the
//! app's `impl RaidmapApp` child modules are parts of the app, as in rerun's `app/`); a `mod
//! child;` declaration is not an import either. Every other edge counts, a child naming its
//! parent's items included, so no file reaches, through any chain of imports, back into a file
//! that imports it. Method calls (`self.save_project()`) are not paths and not seen.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Longest function body allowed, in lines from `fn` to its closing brace.
const MAX_FUNCTION_LINES: usize = 100;
/// Most `.rs` files directly in one folder.
const MAX_FILES_PER_FOLDER: usize = 12;

struct SourceFile {
    /// `src/ui/app/mod.rs`
    path: String,
    /// Module path from the crate root: `["ui", "app"]`.
    module: Vec<String>,
    /// The text with comments, strings and characters blanked and `#[cfg(test)]` items removed
    /// (newlines kept, so line numbers stay).
    code: String,
}

fn sources() -> Vec<SourceFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let relative = file
                .strip_prefix(&root)
                .expect("a file under src/")
                .to_owned();
            let mut module: Vec<String> = relative
                .with_extension("")
                .iter()
                .map(|s| s.to_string_lossy().into_owned())
                .collect();
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            let text = std::fs::read_to_string(&file).expect("a readable source file");
            SourceFile {
                path: format!("src/{}", relative.display()),
                module,
                code: without_tests(&blank_literals(&text)),
            }
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable folder") {
        let path = entry.expect("a readable folder entry").path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Comments, string and character literals replaced by spaces (newlines kept).
fn blank_literals(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !b[..i]
                .last()
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // Raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            for &ch in &b[i..j.min(b.len())] {
                blank(&mut out, ch);
            }
            i = j;
        } else if c == '"' {
            blank(&mut out, c);
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    blank(&mut out, b[i]);
                    i += 1;
                }
                if i < b.len() {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{..}', '{'), not a lifetime ('a).
            let end = if next == Some('\\') {
                (i + 2..b.len()).find(|&j| b[j] == '\'')
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(end) => {
                    for _ in i..=end {
                        out.push(' ');
                    }
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Items after `#[cfg(test)]` (a test module or helper) blanked, up to their end (`;` or the
/// matching `}`).
fn without_tests(code: &str) -> String {
    let mut out: Vec<char> = code.chars().collect();
    let marker: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + marker.len() <= out.len() {
        if out[i..i + marker.len()] != marker[..] {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut depth = 0;
        while j < out.len() {
            match out[j] {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                ';' if depth == 0 => break,
                _ => {}
            }
            j += 1;
        }
        let end = j.min(out.len() - 1);
        for c in &mut out[i..=end] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        i = j + 1;
    }
    out.into_iter().collect()
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Colons,
    Open,
    Close,
    Comma,
    Semi,
    Star,
    /// `(` or `[` (true), `)` or `]` (false).
    Nest(bool),
    Other,
}

/// Tokens with the line they start on.
fn tokens(code: &str) -> Vec<(Token, usize)> {
    let b: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            let word: String = b[start..i].iter().collect();
            // A lifetime or label ('a) is not a path.
            let lifetime = start > 0 && b[start - 1] == '\'';
            out.push((
                if lifetime {
                    Token::Other
                } else {
                    Token::Ident(word)
                },
                line,
            ));
        } else if c == ':' && b.get(i + 1) == Some(&':') {
            out.push((Token::Colons, line));
            i += 2;
        } else {
            let token = match c {
                '{' => Token::Open,
                '}' => Token::Close,
                ',' => Token::Comma,
                ';' => Token::Semi,
                '*' => Token::Star,
                '(' | '[' => Token::Nest(true),
                ')' | ']' => Token::Nest(false),
                _ => Token::Other,
            };
            out.push((token, line));
            i += 1;
        }
    }
    out
}

/// What a file's code names.
#[derive(Default)]
struct Names {
    /// Absolute paths (from the crate root), each with its line.
    paths: Vec<(Vec<String>, usize)>,
    /// Items re-exported here (`pub use`): name → absolute path.
    reexports: HashMap<String, Vec<String>>,
}

/// The module paths a file's code names, and what it re-exports.
fn named_paths(file: &SourceFile, modules: &BTreeSet<Vec<String>>) -> Names {
    let toks = tokens(&file.code);
    let ident = |k: usize| match toks.get(k) {
        Some((Token::Ident(s), _)) => Some(s.as_str()),
        _ => None,
    };
    // Names that stand for modules here: child modules, and modules a `use` brings in.
    let mut aliases: HashMap<String, Vec<String>> = HashMap::new();
    for k in 0..toks.len() {
        if ident(k) == Some("mod")
            && let Some(name) = ident(k + 1)
        {
            let mut path = file.module.clone();
            path.push(name.to_owned());
            aliases.insert(name.to_owned(), path);
        }
    }
    let mut found = Names::default();
    let mut k = 0;
    while k < toks.len() {
        if ident(k) == Some("use") && (k == 0 || toks[k - 1].0 != Token::Colons) {
            // `pub use` or `pub(crate) use`: a re-export.
            let public = (k >= 1 && ident(k - 1) == Some("pub"))
                || (k >= 4 && ident(k - 4) == Some("pub") && toks[k - 1].0 == Token::Nest(false));
            let mut leaves = Vec::new();
            let end = use_tree(&toks, k + 1, Vec::new(), &mut leaves);
            for (mut relative, line, alias) in leaves {
                if relative.len() > 1 && relative.last().map(String::as_str) == Some("self") {
                    relative.pop();
                }
                if let Some(path) = absolute(file, &relative, &aliases) {
                    if modules.contains(&path) {
                        let name = alias
                            .clone()
                            .unwrap_or_else(|| path.last().cloned().unwrap_or_default());
                        if name != "*" {
                            aliases.insert(name, path.clone());
                        }
                    }
                    if public {
                        let name =
                            alias.unwrap_or_else(|| path.last().cloned().unwrap_or_default());
                        if name != "*" {
                            found.reexports.insert(name, path.clone());
                        }
                    }
                    found.paths.push((path, line));
                }
            }
            k = end;
            continue;
        }
        // A path in the code: ident (:: ident)+ not itself preceded by `::`.
        if let Some(first) = ident(k)
            && (k == 0 || toks[k - 1].0 != Token::Colons)
            && toks.get(k + 1).map(|t| &t.0) == Some(&Token::Colons)
        {
            let line = toks[k].1;
            let mut relative = vec![first.to_owned()];
            let mut j = k + 1;
            while toks.get(j).map(|t| &t.0) == Some(&Token::Colons) {
                match ident(j + 1) {
                    Some(s) => relative.push(s.to_owned()),
                    None => break,
                }
                j += 2;
            }
            if let Some(path) = absolute(file, &relative, &aliases) {
                found.paths.push((path, line));
            }
            k = j;
            continue;
        }
        k += 1;
    }
    found
}

/// Reads a `use` tree from token `k`, pushing each leaf (relative path, line, `as` name);
/// returns the token after the tree.
fn use_tree(
    toks: &[(Token, usize)],
    mut k: usize,
    prefix: Vec<String>,
    leaves: &mut Vec<(Vec<String>, usize, Option<String>)>,
) -> usize {
    let mut path = prefix;
    let line = toks.get(k).map_or(0, |t| t.1);
    while k < toks.len() {
        match &toks[k].0 {
            Token::Ident(s) if s == "as" => {
                if let Some((Token::Ident(alias), _)) = toks.get(k + 1) {
                    leaves.push((path.clone(), line, Some(alias.clone())));
                    path.clear();
                }
                k += 2;
            }
            Token::Ident(s) => {
                path.push(s.clone());
                k += 1;
            }
            Token::Colons => k += 1,
            Token::Star => {
                leaves.push((path.clone(), line, Some("*".into())));
                path.clear();
                k += 1;
            }
            Token::Open => {
                k += 1;
                loop {
                    k = use_tree(toks, k, path.clone(), leaves);
                    match toks.get(k).map(|t| &t.0) {
                        Some(Token::Comma) => k += 1,
                        Some(Token::Close) => {
                            k += 1;
                            break;
                        }
                        _ => break,
                    }
                    if toks.get(k).map(|t| &t.0) == Some(&Token::Close) {
                        k += 1;
                        break;
                    }
                }
                path.clear();
            }
            Token::Comma | Token::Close | Token::Semi => break,
            Token::Nest(_) | Token::Other => k += 1,
        }
    }
    if !path.is_empty() {
        leaves.push((path, line, None));
    }
    if toks.get(k).map(|t| &t.0) == Some(&Token::Semi) {
        k += 1;
    }
    k
}

/// A path as written in `file`, from the crate root; `None` for other crates and local names.
fn absolute(
    file: &SourceFile,
    relative: &[String],
    aliases: &HashMap<String, Vec<String>>,
) -> Option<Vec<String>> {
    let (mut base, rest) = match relative.first()?.as_str() {
        "crate" | "raidmap" => (Vec::new(), &relative[1..]),
        "self" => (file.module.clone(), &relative[1..]),
        "super" => (file.module.clone(), relative),
        name => (aliases.get(name)?.clone(), &relative[1..]),
    };
    let mut rest = rest;
    while rest.first().map(String::as_str) == Some("super") {
        base.pop();
        rest = &rest[1..];
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The import graph: file → files it imports, each with the path and line that makes the edge.
/// A path leads to the file that defines the item: through re-exports (`pub use`), so naming
/// `crate::model::Feature` imports `model/feature.rs`, not `model/mod.rs` that re-exports it.
fn import_graph(files: &[SourceFile]) -> BTreeMap<String, BTreeMap<String, (String, usize)>> {
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.module.clone()).collect();
    let names: Vec<Names> = files.iter().map(|f| named_paths(f, &modules)).collect();
    let index_of: HashMap<&Vec<String>, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (&f.module, i))
        .collect();
    // The file defining the item a path names (longest prefix that is a file, then re-exports).
    let defining = |path: &[String]| -> Option<usize> {
        let mut path = path.to_vec();
        for _ in 0..16 {
            let n = (1..=path.len())
                .rev()
                .find(|&n| index_of.contains_key(&path[..n].to_vec()))?;
            let file = index_of[&path[..n].to_vec()];
            match path.get(n).and_then(|name| names[file].reexports.get(name)) {
                Some(target) if target.as_slice() != path.as_slice() => {
                    let mut next = target.clone();
                    next.extend(path[n + 1..].iter().cloned());
                    path = next;
                }
                _ => return Some(file),
            }
        }
        None
    };
    let mut graph = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        let mut edges: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for (path, line) in &names[i].paths {
            // A module naming what it contains (its own child modules' items) is not an
            // edge: the folder's `mod.rs` is its table of contents and its parent.
            if let Some(target) = defining(path)
                && target != i
                && !files[target].module.starts_with(&file.module)
            {
                edges
                    .entry(files[target].path.clone())
                    .or_insert((path.join("::"), *line));
            }
        }
        graph.insert(file.path.clone(), edges);
    }
    graph
}

/// Strongly connected components with more than one file (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeMap<String, (String, usize)>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeMap<String, (String, usize)>>,
        index: HashMap<&'a str, usize>,
        low: HashMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph[v].keys() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// Functions (outside tests) longer than `MAX_FUNCTION_LINES`: (file, name, first line, lines).
fn long_functions(files: &[SourceFile]) -> Vec<(String, String, usize, usize)> {
    let mut found = Vec::new();
    for file in files {
        let toks = tokens(&file.code);
        for k in 0..toks.len() {
            let (Token::Ident(word), start) = &toks[k] else {
                continue;
            };
            let Some((Token::Ident(name), _)) = toks.get(k + 1) else {
                continue;
            };
            if word != "fn" {
                continue;
            }
            // The body: the first `{` before a `;` outside brackets (`[f64; 4]`); a
            // declaration without a body has none.
            let mut j = k + 2;
            let mut nesting = 0i32;
            while j < toks.len() {
                match toks[j].0 {
                    Token::Nest(true) => nesting += 1,
                    Token::Nest(false) => nesting -= 1,
                    Token::Open => break,
                    Token::Semi if nesting == 0 => break,
                    _ => {}
                }
                j += 1;
            }
            if toks.get(j).map(|t| &t.0) != Some(&Token::Open) {
                continue;
            }
            let mut depth = 0;
            while j < toks.len() {
                match toks[j].0 {
                    Token::Open => depth += 1,
                    Token::Close => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            let lines = toks.get(j).map_or(0, |t| t.1) + 1 - start;
            if lines > MAX_FUNCTION_LINES {
                found.push((file.path.clone(), name.clone(), *start, lines));
            }
        }
    }
    found
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let graph = import_graph(&sources());
    let found = cycles(&graph);
    let mut report = String::new();
    for component in &found {
        report.push_str(&format!("{} files in a cycle:\n", component.len()));
        for a in component {
            for (b, (path, line)) in &graph[a] {
                if component.contains(b) {
                    report.push_str(&format!("  {a}:{line} -> {b} ({path})\n"));
                }
            }
        }
    }
    assert!(found.is_empty(), "import cycles between files:\n{report}");
}

#[test]
fn no_function_is_over_a_hundred_lines() {
    let found: Vec<String> = long_functions(&sources())
        .iter()
        .map(|(file, name, line, lines)| format!("{file}:{line} fn {name}: {lines} lines"))
        .collect();
    assert!(
        found.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines (split them along what they do):\n{}",
        found.join("\n")
    );
}

#[test]
fn no_folder_holds_more_than_twelve_files() {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for file in sources() {
        let folder = file
            .path
            .rsplit_once('/')
            .map_or("src", |(f, _)| f)
            .to_owned();
        *counts.entry(folder).or_default() += 1;
    }
    let problems: Vec<String> = counts
        .iter()
        .filter(|(_, n)| **n > MAX_FILES_PER_FOLDER)
        .map(|(folder, n)| format!("{folder}: {n} files (at most {MAX_FILES_PER_FOLDER})"))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_a_cycle_a_long_function_and_paths_of_every_form() {
    let file = |path: &str, module: &[&str], text: &str| SourceFile {
        path: path.into(),
        module: module.iter().map(|s| s.to_string()).collect(),
        code: without_tests(&blank_literals(text)),
    };
    let files = vec![
        file(
            "src/a/mod.rs",
            &["a"],
            "mod b;\nuse crate::c::{self, x::{Y}};\nfn f() { b::g(); }",
        ),
        file(
            "src/a/b.rs",
            &["a", "b"],
            "// use crate::c;\nfn g() { let s = \"crate::d::X\"; }",
        ),
        file(
            "src/c/mod.rs",
            &["c"],
            "pub mod x;\n#[cfg(test)]\nmod tests { use crate::d; }",
        ),
        file(
            "src/c/x.rs",
            &["c", "x"],
            "pub struct Y;\nfn h() { super::super::a::b::g(); }",
        ),
        file(
            "src/e/mod.rs",
            &["e"],
            "mod k;\npub use k::K;\nfn helper() {}",
        ),
        file(
            "src/e/k.rs",
            &["e", "k"],
            "pub struct K;\nfn g() { super::helper(); }",
        ),
        file(
            "src/f.rs",
            &["f"],
            "use crate::e::K;\nfn g(c: char) -> bool { c == '{' }",
        ),
    ];
    let graph = import_graph(&files);
    let edges = |f: &str| graph[f].keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        edges("src/a/mod.rs"),
        ["src/c/mod.rs", "src/c/x.rs"],
        "a/b.rs is its child"
    );
    assert!(
        edges("src/a/b.rs").is_empty(),
        "comments and strings are not paths"
    );
    assert!(
        edges("src/c/mod.rs").is_empty(),
        "`pub mod x;` and test modules are not imports"
    );
    assert_eq!(edges("src/c/x.rs"), ["src/a/b.rs"]);
    assert_eq!(
        edges("src/e/k.rs"),
        ["src/e/mod.rs"],
        "a child naming its parent imports it"
    );
    assert_eq!(
        edges("src/f.rs"),
        ["src/e/k.rs"],
        "a re-export leads to the defining file"
    );
    assert!(cycles(&graph).is_empty());
    let mut with_cycle = files;
    with_cycle[1] = file("src/a/b.rs", &["a", "b"], "use crate::c::x::Y;");
    let found = cycles(&import_graph(&with_cycle));
    assert_eq!(
        found,
        [vec!["src/a/b.rs".to_owned(), "src/c/x.rs".to_owned()]]
    );
    let long = format!(
        "fn long(a: [u8; 4]) {{\n{}}}\nfn short() {{}}",
        "    x();\n".repeat(100)
    );
    let found = long_functions(&[file("src/l.rs", &["l"], &long)]);
    assert_eq!(found, [("src/l.rs".to_owned(), "long".to_owned(), 1, 102)]);
}
