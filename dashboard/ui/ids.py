"""Component ids, in one place so that pages, callbacks and browser tests agree on them.

Ids are plain strings, prefixed by the part of the screen they belong to.
"""

from __future__ import annotations

# Application shell (navbar and footer, on every screen).
NAVBAR = "shell-navbar"
NAV_LINKS = "shell-nav-links"
NAV_TOGGLER = "shell-nav-toggler"
NAV_COLLAPSE = "shell-nav-collapse"
NAV_MORE = "shell-nav-more"
DEMO_BADGE = "shell-demo-badge"
LAST_LOAD = "shell-last-load"
DB_ERROR = "shell-db-error"

# Home page (data status).
HOME_TITLE = "home-title"
HOME_CARDS = "home-cards"
HOME_INGESTIONS = "home-ingestions"
HOME_ERROR = "home-error"

# Revisión semanal (home page "/", dashboard/pages/weekly_review.py). HOME_TITLE, HOME_CARDS
# (the light cards) and HOME_ERROR above are reused by it.
HOME_URL = "home-url"
HOME_MONTH = "home-month"
HOME_FROM = "home-from"
HOME_TO = "home-to"
HOME_CAPTION = "home-caption"
HOME_ESCALATE = "home-escalate"
HOME_AT_RISK = "home-at-risk"
HOME_LIGHT_CHANGES = "home-light-changes"
HOME_BOTTLENECKS_OPENED = "home-bottlenecks-opened"
HOME_BOTTLENECKS_RESOLVED = "home-bottlenecks-resolved"
HOME_ESCALATE_NEW = "home-escalate-new"
HOME_COMMITMENTS_LATE = "home-commitments-late"
HOME_MILESTONES_DUE = "home-milestones-due"
HOME_MILESTONES_OVERDUE = "home-milestones-overdue"
HOME_MAP = "home-map"
HOME_CHANGES_NOTICE = "home-changes-notice"

# Datos (data loads, dashboard/pages/data_status.py).
DATA_TITLE = "datos-title"
DATA_CARDS = "datos-cards"
DATA_KINDS = "datos-kinds"
DATA_INGESTIONS = "datos-ingestions"
DATA_QUARANTINE = "datos-quarantine"
DATA_ERROR = "datos-error"

# Metas (goals table, dashboard/pages/goals.py).
GOALS_TITLE = "metas-title"
GOALS_URL = "metas-url"
GOALS_MONTH = "metas-month"
GOALS_FILTERS = {
    "ministerio": "metas-filtro-ministerio",
    "area": "metas-filtro-area",
    "region": "metas-filtro-region",
    "semaforo": "metas-filtro-semaforo",
    "gerente": "metas-filtro-gerente",
}
GOALS_CAPTION = "metas-caption"
GOALS_COUNT = "metas-count"
GOALS_GRID = "metas-grid"
GOALS_ERROR = "metas-error"

# Ministerios (list and one ministry, dashboard/pages/ministry.py).
MINISTRY_TITLE = "ministerio-title"
MINISTRY_LIST = "ministerio-list"
MINISTRY_CARDS = "ministerio-cards"
MINISTRY_GOALS = "ministerio-goals"
MINISTRY_BOTTLENECKS = "ministerio-bottlenecks"
MINISTRY_SERVICES = "ministerio-services"
MINISTRY_ERROR = "ministerio-error"

# Meta (goal detail, dashboard/pages/goal.py).
META_URL = "meta-url"
META_TITLE = "meta-title"
META_MONTH = "meta-month"
META_VALIDATED = "meta-validated"
META_CAPTION = "meta-caption"
META_LIGHT = "meta-light"
META_LIGHT_TRAJECTORY = "meta-light-trajectory"
META_LIGHT_MANAGEMENT = "meta-light-management"
META_THERMOMETER = "meta-thermometer"
META_PROJECTION = "meta-projection"
META_TIMELINE = "meta-timeline"
META_GANTT = "meta-gantt"
META_MILESTONES = "meta-milestones"
META_BOTTLENECKS = "meta-bottlenecks"
META_REGIONS = "meta-regions"
META_REGION_BARS = "meta-region-bars"
META_PROVENANCE = "meta-provenance"
META_NOT_FOUND = "meta-not-found"
META_ERROR = "meta-error"

# Mapa territorial (dashboard/pages/map.py); filter controls are "<MAP_FILTERS>-area", etc.
MAP_URL = "mapa-url"
MAP_FILTERS = "mapa-filtro"
MAP_INDICATOR = "mapa-indicador"
MAP_SCHEME = "mapa-clases"
MAP_REGION = "mapa-region"
MAP_BACK = "mapa-volver"
MAP_TITLE = "mapa-titulo"
MAP_HINT = "mapa-ayuda"
MAP_CAPTION = "mapa-caption"
MAP_GRAPH = "mapa-grafico"
MAP_INSETS = "mapa-islas"
MAP_INSET_PASCUA = "mapa-isla-pascua"
MAP_INSET_JUAN_FERNANDEZ = "mapa-isla-juan-fernandez"
MAP_GAP = "mapa-brecha"
MAP_NOTES = "mapa-notas"
MAP_TABLE = "mapa-tabla"
MAP_ERROR = "mapa-error"

# Región (dashboard/pages/region.py); filter controls are "<REGION_FILTERS>-area", etc.
REGION_URL = "region-url"
REGION_FILTERS = "region-filtro"
REGION_CODE = "region-codigo"
REGION_TITLE = "region-titulo"
REGION_LIST = "region-lista"
REGION_NOT_FOUND = "region-no-encontrada"
REGION_CAPTION = "region-caption"
REGION_BODY = "region-cuerpo"
REGION_KPIS = "region-cifras"
REGION_MAP = "region-mapa"
REGION_COMUNAS = "region-comunas"
REGION_PRODUCTS = "region-productos"
REGION_COMMITMENTS = "region-compromisos"
REGION_STAGES = "region-etapas"
REGION_GOALS = "region-metas"
REGION_ERROR = "region-error"

# Explorar y exportar (dashboard/pages/explore.py). Filter controls are pattern-matched:
# {"type": EXPLORE_FILTER, "key": <URL key>, "dataset": <dataset key>}.
EXPLORE_URL = "explorar-url"
EXPLORE_TITLE = "explorar-titulo"
EXPLORE_DATASET = "explorar-conjunto"
EXPLORE_FILTERS = "explorar-filtros"
EXPLORE_FILTER = "explorar-filtro"
EXPLORE_CAPTION = "explorar-caption"
EXPLORE_COUNT = "explorar-filas"
EXPLORE_GRID = "explorar-grilla"
EXPLORE_CSV = "explorar-csv"
EXPLORE_XLSX = "explorar-xlsx"
EXPLORE_DOWNLOAD = "explorar-descarga"
EXPLORE_ERROR = "explorar-error"
EXPLORE_PROVENANCE = "explorar-origen"

# Convergencia (dashboard/pages/convergence.py); territory filters are "<CONV_FILTERS>-area"…
CONV_URL = "convergencia-url"
CONV_FILTERS = "convergencia-filtro"
CONV_LEVEL = "convergencia-nivel"
CONV_REGION = "convergencia-region"
CONV_FROM_YEAR = "convergencia-anio-inicial"
CONV_TITLE = "convergencia-titulo"
CONV_CAPTION = "convergencia-caption"
CONV_CARDS = "convergencia-cifras"
CONV_SIGMA = "convergencia-sigma"
CONV_SIGMA_TEXT = "convergencia-sigma-texto"
CONV_BETA = "convergencia-beta"
CONV_BETA_TEXT = "convergencia-beta-texto"
CONV_THEIL = "convergencia-theil"
CONV_THEIL_TEXT = "convergencia-theil-texto"
CONV_SYNERGY = "convergencia-sinergia"
CONV_PAIRS = "convergencia-pares"
CONV_NOTES = "convergencia-notas"
CONV_ERROR = "convergencia-error"
CONV_SYNERGY_TEXT = "convergencia-sinergia-texto"
EXPLORE_DOWNLOAD_ERROR = "explorar-descarga-error"

# Account area of the navbar
LOGIN_LINK = "login-link"
ACCOUNT_NAME = "account-name"
LOGOUT_FORM = "logout-form"
REGION_OUT_OF_SCOPE = "region-fuera-de-alcance"
