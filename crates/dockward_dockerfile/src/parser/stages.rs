//! Build stages (one per FROM) and the global ARGs declared before the
//! first FROM (BuildKit's "meta args"), used to expand FROM references.

use crate::ast::{Dockerfile, InstructionKind, Keyword, Stage, StageBase};
use crate::expand::expand;

/// Splits `dockerfile.instructions` into stages and sets `Instruction::stage`.
pub(crate) fn assign(dockerfile: &mut Dockerfile) {
    let meta = meta_args(dockerfile);
    let mut stages: Vec<Stage> = Vec::new();
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
            let resolved = expand_with(&image, &meta).to_lowercase();
            let base = if resolved == "scratch" {
                StageBase::Scratch
            } else if let Some(i) = stages
                .iter()
                .position(|s| s.name.as_deref() == Some(resolved.as_str()))
            {
                StageBase::Stage(i)
            } else {
                StageBase::Image(image)
            };
            stages.push(Stage {
                index: stages.len(),
                from: index,
                end: index + 1,
                name,
                base,
            });
        }
        let stage = stages.len().checked_sub(1);
        instruction.stage = stage;
        if let InstructionKind::Onbuild(trigger) = &mut instruction.kind {
            trigger.stage = stage;
        }
    }
    if let Some(last) = stages.last_mut() {
        last.end = dockerfile.instructions.len();
    }
    dockerfile.stages = stages;
}

/// The global ARGs in declaration order with their defaults expanded by the
/// ARGs before them; a re-declaration without default makes a name empty.
fn meta_args(dockerfile: &Dockerfile) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
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
                .map(|d| expand_with(&d.value, &out))
                .unwrap_or_default();
            out.push((decl.name.value.clone(), value));
        }
    }
    out
}

fn expand_with(word: &str, meta: &[(String, String)]) -> String {
    if !word.contains('$') {
        return word.to_owned();
    }
    expand(word, &|name| {
        meta.iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    })
}

impl Dockerfile {
    /// The global ARGs (declared before the first FROM) in order, with their
    /// defaults expanded as BuildKit does (each default sees the ARGs
    /// declared before it). A name declared without default maps to `""`.
    pub fn meta_args(&self) -> Vec<(String, String)> {
        meta_args(self)
    }

    /// The image reference of stage `stage_index`'s FROM with the global
    /// ARG defaults substituted (`FROM ${REGISTRY}/app:${TAG}`). `None`
    /// when there is no such stage or its FROM is invalid.
    pub fn expanded_from_image(&self, stage_index: usize) -> Option<String> {
        let stage = self.stages.get(stage_index)?;
        let InstructionKind::From(from) = &self.instructions.get(stage.from)?.kind else {
            return None;
        };
        Some(expand_with(&from.image.value, &meta_args(self)))
    }

    /// The stage called `name` (case-insensitive), if any.
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        let name = name.to_lowercase();
        self.stages
            .iter()
            .find(|s| s.name.as_deref() == Some(name.as_str()))
    }
}
