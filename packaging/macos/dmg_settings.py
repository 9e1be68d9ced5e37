# dmgbuild settings: Model Studio's disk image for macOS.
#
# packaging/build.py runs:
#   python -m dmgbuild -s packaging/macos/dmg_settings.py \
#       -D app="dist/bundle/Model Studio.app" -D icon=studio/resources/icons/model-studio.icns \
#       "Model Studio" dist/model-studio-VERSION-macos-ARCH.dmg
#
# The image shows the app beside a link to /Applications: drag one onto the other.
# dmgbuild runs this file with `defines` (the -D values) in scope.

import os.path

application = defines.get("app", "dist/bundle/Model Studio.app")  # noqa: F821
app_name = os.path.basename(application)

format = "UDZO"  # compressed, read-only
compression_level = 9
filesystem = "HFS+"
size = None  # computed from the contents

files = [application]
symlinks = {"Applications": "/Applications"}
icon = defines.get("icon")  # the volume's icon  # noqa: F821

icon_locations = {app_name: (140, 150), "Applications": (420, 150)}
background = "builtin-arrow"
window_rect = ((200, 160), (560, 340))
default_view = "icon-view"
show_icon_preview = False
icon_size = 96
text_size = 13
arrange_by = None
show_status_bar = False
show_tab_view = False
show_toolbar = False
show_pathbar = False
show_sidebar = False
