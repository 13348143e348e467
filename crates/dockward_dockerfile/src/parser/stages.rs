//! Build stages (one per FROM) and the global ARGs declared before the
//! first FROM (BuildKit's "meta args"), used to expand FROM references.

use std::collections::HashMap;

use crate::ast::{Dockerfile, InstructionKind, Keyword, Stage, StageBase};
use crate::expand::expand;

/// Splits `dockerfile.instructions` into stages and sets `Instruction::stage`.
pub(crate) fn assign(dockerfile: &mut Dockerfile) {
    let meta = MetaArgs::of(dockerfile);
    let mut stages: Vec<Stage> = Vec::new();
    // First stage of each name (a duplicate name is a rule's business).
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (index, instruction) in dockerfile.instructions.iter_mut().enumerate() {
        if instruction.keyword == Keyword::From {
            if let Some(previous) = stages.last_mut() {
                previous.end = index;
            }
            let (image, name) = match &instruction.kind {
                InstructionKind::From(from) => (
                    from.image.value.clone(),
                    from.alias.as_ref().map(|a| a.value.to_lowercase()),
                ),
                _ => (String::new(), None),
            };
            let resolved = meta.expand(&image).to_lowercase();
            let base = if resolved == "scratch" {
                StageBase::Scratch
            } else if let Some(&i) = by_name.get(&resolved) {
                StageBase::Stage(i)
            } else {
                StageBase::Image(image)
            };
            if let Some(name) = &name {
                by_name.entry(name.clone()).or_insert(stages.len());
            }
            stages.push(Stage {
                index: stages.len(),
                from: index,
                end: index + 1,
                name,
                base,
            });
        }
        let stage = stages.len().checked_sub(1);
        let mut current = instruction;
        loop {
            current.stage = stage;
            match &mut current.kind {
                InstructionKind::Onbuild(trigger) => current = trigger,
                _ => break,
            }
        }
    }
    if let Some(last) = stages.last_mut() {
        last.end = dockerfile.instructions.len();
    }
    dockerfile.stages = stages;
}

/// The global ARGs: declaration order for callers, a map for lookups.
struct MetaArgs {
    ordered: Vec<(String, String)>,
    current: HashMap<String, String>,
}

impl MetaArgs {
    fn of(dockerfile: &Dockerfile) -> Self {
        let mut meta = MetaArgs {
            ordered: Vec::new(),
            current: HashMap::new(),
        };
        for instruction in &dockerfile.instructions {
            if instruction.keyword == Keyword::From {
                break;
            }
            let InstructionKind::Arg(decls) = &instruction.kind else {
                continue;
            };
            for decl in decls {
                let value = decl
                    .default
                    .as_ref()
                    .map(|d| meta.expand(&d.value))
                    .unwrap_or_default();
                meta.current.insert(decl.name.value.clone(), value.clone());
                meta.ordered.push((decl.name.value.clone(), value));
            }
        }
        meta
    }

    fn expand(&self, word: &str) -> String {
        if !word.contains('$') {
            return word.to_owned();
        }
        expand(word, &|name| self.current.get(name).cloned())
    }
}

impl Dockerfile {
    /// The global ARGs (declared before the first FROM) in order, with their
    /// defaults expanded as BuildKit does (each default sees the ARGs
    /// declared before it). A name declared without default maps to `""`.
    pub fn meta_args(&self) -> Vec<(String, String)> {
        MetaArgs::of(self).ordered
    }

    /// The image reference of stage `stage_index`'s FROM with the global
    /// ARG defaults substituted (`FROM ${REGISTRY}/app:${TAG}`). `None`
    /// when there is no such stage or its FROM is invalid.
    pub fn expanded_from_image(&self, stage_index: usize) -> Option<String> {
        let stage = self.stages.get(stage_index)?;
        let InstructionKind::From(from) = &self.instructions.get(stage.from)?.kind else {
            return None;
        };
        Some(MetaArgs::of(self).expand(&from.image.value))
    }

    /// The stage called `name` (case-insensitive), if any.
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        let name = name.to_lowercase();
        self.stages
            .iter()
            .find(|s| s.name.as_deref() == Some(name.as_str()))
    }
}
