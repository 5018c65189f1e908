import re

from conftest import assert_accessible
from playwright.sync_api import expect


def test_launch_with_user_data_attach_a_volume_and_find_them_in_the_terminal(page):
    page.goto("/cloud/")
    page.get_by_role("button", name="Open my cloud").press("Enter")
    expect(page.get_by_role("heading", name="Launch an instance")).to_be_visible()
    assert_accessible(page)

    launch = page.get_by_role("form", name="Launch an instance")
    launch.get_by_label("Name").fill("web-1")
    launch.get_by_label("Image").select_option("debian-12")
    launch.get_by_label("User data").fill("#cloud-config\nhostname: shop\n")
    launch.get_by_role("button", name="Launch").press("Enter")
    status = page.get_by_role("region", name="Instances").get_by_role("status")
    expect(status).to_have_text("Instance web-1 is building on 10.0.0.2.")
    expect(status).to_be_focused()
    table = page.get_by_role("table", name="Instances")
    expect(table.get_by_role("row", name=re.compile(r"^web-1 Active debian-12"))).to_be_visible(timeout=15000)

    page.get_by_role("link", name="Volumes").click()
    create = page.get_by_role("form", name="Create a volume")
    create.get_by_label("Name").fill("data")
    create.get_by_label("Size in GB").fill("99")
    create.get_by_role("button", name="Create volume").click()
    size = create.get_by_label("Size in GB")
    expect(size).to_be_focused()
    expect(size).to_have_accessible_description("Size is a whole number of GB from 1 to 20; '99' is not.")
    size.fill("5")
    size.press("Enter")
    section = page.get_by_role("region", name="Volumes")
    expect(section.get_by_role("status")).to_have_text("Volume data (5 GB) is available.")
    volumes = section.get_by_role("table", name="Volumes")
    volumes.locator("summary", has_text="Attach data").click()
    volumes.get_by_role("button", name="Attach data").click()
    expect(section.get_by_role("status")).to_have_text("Volume data is attached as /dev/vdb.")

    page.get_by_role("link", name="Instances").click()
    page.get_by_role("link", name="web-1").click()
    detail = page.get_by_role("region", name="Instance web-1")
    expect(detail.get_by_label("Console log of web-1")).to_contain_text("shop login:")
    expect(detail).to_contain_text("data on /dev/vdb")
    assert_accessible(page)
    detail.get_by_role("button", name="Open a terminal on web-1").press("Enter")
    terminal = page.get_by_role("textbox", name=re.compile(r"debian@shop"))
    expect(terminal).to_be_focused()
    terminal.fill("hostname; lsblk /dev/vdb")
    terminal.press("Enter")
    log = page.get_by_role("log", name="Terminal output")
    expect(log).to_contain_text(
        re.compile(
            r"shop\nNAME\s+MAJ:MIN\s+RM\s+SIZE\s+RO\s+TYPE\s+MOUNTPOINTS\nvdb\s+253:16\s+0\s+5G\s+0\s+disk"
        )
    )
    assert_accessible(page)


def test_open_ssh_to_the_world_and_scale_a_group_by_keyboard_alone(page):
    page.goto("/cloud/")
    page.get_by_role("button", name="Open my cloud").press("Enter")
    page.get_by_role("navigation", name="Cloud").get_by_role("link", name="Security groups").press("Enter")
    section = page.get_by_role("region", name="Security groups")
    section.get_by_label("Name").focus()
    page.keyboard.type("web")
    page.keyboard.press("Enter")
    expect(section.get_by_role("status")).to_contain_text("Security group web was created")
    expect(section.get_by_role("status")).to_be_focused()
    section.locator("summary", has_text="Add a rule to web").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the protocol menu: TCP already chosen
    page.keyboard.press("Tab")
    page.keyboard.type("ssh")
    page.keyboard.press("Enter")
    expect(section.get_by_role("status")).to_have_text("Rule added: ingress tcp 22 from 0.0.0.0/0.")
    expect(section.get_by_role("listitem").filter(has_text="ingress tcp 22 from 0.0.0.0/0")).to_be_visible()

    page.get_by_role("navigation", name="Cloud").get_by_role("link", name="Autoscaling").press("Enter")
    section = page.get_by_role("region", name="Autoscaling")
    section.get_by_label("Name").focus()
    page.keyboard.type("shop")
    page.keyboard.press("Enter")
    expect(section.get_by_role("status")).to_have_text("Group shop launched 1 instance(s).")
    load = section.get_by_label("Simulated load (% of one instance's CPU)")
    load.fill("150")
    load.press("Enter")
    expect(section.get_by_role("status")).to_have_text("Load 150%: the group wants 3 instance(s) and has 3.")
    history = section.get_by_role("table", name="History of shop")
    expect(history.get_by_role("row", name="2 150% 3 50%")).to_be_visible()
    expect(section.get_by_role("img", name=re.compile("Instances and CPU per instance"))).to_be_visible()
    assert_accessible(page)
