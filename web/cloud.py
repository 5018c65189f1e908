"""Cloud: An IaaS console: instances, images, block storage, networking and cloud-init."""

from flask import Blueprint

from web.render import render

bp = Blueprint("cloud", __name__, url_prefix="/cloud")


@bp.get("/")
def index():
    return render(
        "coming.html",
        "_coming.html",
        title="Cloud",
        blurb="An IaaS console: instances, images, block storage, networking and cloud-init.",
    )
