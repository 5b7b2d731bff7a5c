"""Shared helpers of the browser tests: a BookTime server on a fresh database, and a headless
Chromium with small click/fill/expect/screenshot helpers that always wait for the next page."""
import os, re, struct, subprocess, sys, tempfile, zlib
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

# What a page's own scripts cause while a test waits on it: an element replaced (stale) or not
# drawn yet. Waits look again instead of failing.
LIVE_PAGE_RACES = (NoSuchElementException, StaleElementReferenceException)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def binary():
    """BOOKTIME_E2E_BINARY (set by e2e/run.sh), or the debug build."""
    if os.environ.get("BOOKTIME_E2E_BINARY"):
        return os.environ["BOOKTIME_E2E_BINARY"]
    subprocess.run(["swift", "build", "--product", "booktime"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip() + "/booktime"


def png(path, colour, width=300, height=450):
    """A PNG of one colour (a stand-in cover)."""
    row = b"\0" + bytes(colour) * width
    chunk = lambda t, b: struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


class Shop:
    """`booktime serve --port 0` on a database in a temporary directory."""

    def __init__(self, prepare=None, arguments=()):
        self.directory = tempfile.mkdtemp(prefix="booktime-e2e-")
        self.db = os.path.join(self.directory, "e2e.db")
        self.binary = binary()
        if prepare:
            prepare(self)
        self.process = subprocess.Popen([self.binary, "serve", "--port", "0", "--db", self.db, *arguments],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.url = None
        for line in self.process.stdout:
            match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
            if match and "running" in line:
                self.url = match.group(1)
                break
        if not self.url:
            sys.exit("the shop did not start")

    def run(self, *arguments, stdin=None):
        return subprocess.run([self.binary, *arguments, "--db", self.db], input=stdin, text=True, check=True, capture_output=True)

    def stop(self):
        self.process.terminate()
        self.process.wait()


class Browser:
    def __init__(self, shop, shots, name):
        options = webdriver.ChromeOptions()
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"]:
            options.add_argument(argument)
        self.driver = webdriver.Chrome(options=options)
        self.shop = shop
        self.shots = shots
        self.name = name
        self.step = 0
        os.makedirs(shots, exist_ok=True)

    def get(self, path):
        self.driver.get(self.shop.url + path)

    def shot(self, label, phone=False):
        """A screenshot of the whole page at 1280 px, and at 390 px when `phone`."""
        self.step += 1
        for width, suffix in [(1280, "desktop")] + ([(390, "phone")] if phone else []):
            self.driver.set_window_size(width, 1000)
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
            self.driver.set_window_size(width, min(max(height, 800), 4000))
            self.driver.save_screenshot(f"{self.shots}/{self.name}-{self.step:02d}-{label}-{suffix}.png")
        self.driver.set_window_size(1280, 1000)

    def click(self, by, value):
        """Clicks something that loads a page, and waits for it."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(by, value).click()

        def replaced(_):
            # Selenium's staleness_of expects a StaleElementReferenceException; Chromium sometimes
            # reports the old page's node as "does not belong to the document" instead.
            try:
                page.is_enabled()
                return False
            except WebDriverException:
                return True

        WebDriverWait(self.driver, 10).until(replaced)

    def fill(self, fields, submit_text):
        self.fill_only(fields)
        self.click(By.XPATH, f'//button[normalize-space()="{submit_text}"]')

    def fill_only(self, fields):
        """Types into fields without submitting."""
        for name, value in fields.items():
            element = self.driver.find_element(By.NAME, name)
            if element.tag_name == "select":
                element.find_element(By.CSS_SELECTOR, f'option[value="{value}"]').click()
            else:
                element.clear()
                element.send_keys(value)

    def expect(self, text):
        source = self.driver.page_source
        if text not in source:
            messages = re.findall(r'<p class="(?:alert[^"]*|field-error)"[^>]*>([^<]*)', source)
            raise AssertionError(f"{text!r} not on {self.driver.current_url}; messages: {messages}")

    def order_books(self, slugs):
        """The signed-in customer adds each book (a slug twice: two copies), adds Anne Elliot's
        address, and places the order."""
        for slug in slugs:
            self.get(f"/product/{slug}/")
            self.click(By.XPATH, '//button[normalize-space()="Add to basket"]')
        self.get("/address/create/")
        self.fill({"name": "Anne Elliot", "address1": "Kellynch Hall", "zip_code": "SO1 1KH", "city": "Bath", "country": "uk"}, "Add address")
        self.get("/order/address_select/")
        self.fill({}, "Place order")
        self.expect("Thanks for your order.")

    def no_horizontal_scroll(self):
        """At 390 px nothing may stick out sideways."""
        self.driver.set_window_size(390, 900)
        wide = self.driver.execute_script("return document.documentElement.scrollWidth > document.documentElement.clientWidth")
        self.driver.set_window_size(1280, 1000)
        assert not wide, f"{self.driver.current_url} scrolls sideways at 390 px"

    def log_in(self, site, email, password):
        """Signs in afresh on a back-office site's own login page ("/admin", "/office-admin", ...)."""
        self.driver.delete_all_cookies()
        self.get(f"{site}/login/")
        self.fill({"email": email, "password": password}, "Log in")

    def wait_for(self, condition, timeout=10):
        """Waits for something a script changes on the page (no page load); an element the script
        replaced between a find and a read is looked for again."""
        WebDriverWait(self.driver, timeout, ignored_exceptions=LIVE_PAGE_RACES).until(lambda driver: condition(driver))

    def quit(self):
        self.driver.quit()
