"""Account commands for whoever runs the server: instructors are made here or by an invite code."""

import click
from flask import Blueprint

from web import accounts, invite_store
from web.db import get_db

bp = Blueprint("accounts_cli", __name__, cli_group=None)


@bp.cli.command("create-instructor")
@click.argument("username")
@click.password_option(help="The new instructor's password (asked for when not given).")
def create_instructor(username, password):
    """Create an instructor account."""
    try:
        user = accounts.sign_up(get_db(), username, password, "instructor")
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Instructor {user.username} created.")


@bp.cli.command("create-invite")
@click.option(
    "--days",
    default=invite_store.DEFAULT_DAYS,
    show_default=True,
    type=click.IntRange(1, invite_store.MAX_DAYS),
    help="How long the invite can be used.",
)
def create_invite(days):
    """Print a single-use code that lets one person sign up as an instructor."""
    code = invite_store.create(get_db(), None, days)
    click.echo(f"Instructor invite, valid {days} days, usable once: {code}")


@bp.cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(["learner", "instructor"]))
def set_role(username, role):
    """Make an existing account a learner or an instructor."""
    try:
        user = accounts.set_role(get_db(), username, role)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{user.username} is now {user.role}.")


@bp.cli.command("purge-guests")
@click.option("--days", default=30, show_default=True, help="Delete guests idle for this many days.")
def purge_guests(days):
    """Delete visitors who never signed up and have been idle, with their labs and answers."""
    click.echo(f"{accounts.purge_guests(get_db(), days)} idle guests deleted.")
