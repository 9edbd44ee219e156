//! The folders the person opened recently, remembered across runs in the app's own data
//! folder (`recent-folders.json`). The page sees their names and parents to show them, and
//! names one by its position to open it again: it never hands the app a path.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State, Window};
use vigie::session::Added;

/// How many folders are remembered.
const KEEP: usize = 10;
const FILE: &str = "recent-folders.json";

/// The remembered folders, most recent first, and where they are saved; loaded on first use
/// from the app's data folder (managed by the app).
#[derive(Default)]
pub struct RecentFolders {
    loaded: OnceLock<Loaded>,
}

struct Loaded {
    folders: Mutex<Vec<PathBuf>>,
    /// `None` when the app has no data folder: the list then lasts for this run only.
    file: Option<PathBuf>,
}

impl RecentFolders {
    /// The list, read from the app's data folder the first time (none, or an unreadable
    /// file, is an empty list).
    fn loaded<R: Runtime>(&self, app: &AppHandle<R>) -> &Loaded {
        self.loaded.get_or_init(|| {
            let file = app.path().app_data_dir().ok().map(|dir| dir.join(FILE));
            let folders = file
                .as_deref()
                .and_then(|f| std::fs::read(f).ok())
                .and_then(|bytes| serde_json::from_slice::<Vec<PathBuf>>(&bytes).ok())
                .unwrap_or_default();
            Loaded { folders: Mutex::new(folders.into_iter().take(KEEP).collect()), file }
        })
    }

    /// Puts `folder` first, and saves the list. A failure to save is said on stderr only:
    /// the folder is open either way.
    pub fn remember<R: Runtime>(&self, app: &AppHandle<R>, folder: &Path) {
        let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        let Loaded { folders, file } = self.loaded(app);
        let mut folders = folders.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        folders.retain(|f| f != &folder);
        folders.insert(0, folder);
        folders.truncate(KEEP);
        if let Some(file) = file {
            let saved = file
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(file, serde_json::to_vec(&*folders).unwrap_or_default()));
            if let Err(error) = saved {
                eprintln!("vigie-app: the recent folders could not be saved in {}: {error}", file.display());
            }
        }
    }

    fn list<R: Runtime>(&self, app: &AppHandle<R>) -> Vec<PathBuf> {
        self.loaded(app).folders.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

/// A remembered folder as the page shows it.
#[derive(Debug, Serialize)]
pub struct RecentFolder {
    /// What to pass to [`open_recent`].
    pub index: usize,
    /// The folder's own name.
    pub name: String,
    /// Where it is (its parent folder), for telling folders of the same name apart.
    pub parent: String,
    /// False when the folder is gone (moved, unplugged disk).
    pub exists: bool,
}

/// The folders opened recently, most recent first.
#[tauri::command(async)]
pub fn recent_folders<R: Runtime>(
    app: AppHandle<R>,
    recent: State<'_, RecentFolders>,
) -> Result<Vec<RecentFolder>, String> {
    Ok(recent
        .list(&app)
        .iter()
        .enumerate()
        .map(|(index, folder)| RecentFolder {
            index,
            name: folder
                .file_name()
                .map_or_else(|| folder.display().to_string(), |n| n.to_string_lossy().into()),
            parent: folder.parent().map(|p| p.display().to_string()).unwrap_or_default(),
            exists: folder.is_dir(),
        })
        .collect())
}

/// Opens again the recent folder at `index`: adds its documents, watches it.
#[tauri::command(async)]
pub fn open_recent<R: Runtime>(window: Window<R>, index: usize) -> Result<Added, String> {
    let recent = window.state::<RecentFolders>();
    let folder = recent
        .list(window.app_handle())
        .get(index)
        .cloned()
        .ok_or_else(|| format!("there is no recent folder #{index}"))?;
    if !folder.is_dir() {
        return Err(format!(
            "{} is no longer there (moved, deleted, or on a disk not plugged in)",
            folder.display()
        ));
    }
    Ok(crate::commands::open_chosen_folder(&window, folder))
}
