"""What the portal's browser tests share: a headless Chromium (Debian's chromium and chromedriver) and the steps a
person takes: open a page, click a button by its text, fill a field by its label, take a screenshot."""
import contextlib
import os
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


class Browser:
    def __init__(self, portal, screenshots):
        self.portal = portal
        self.screenshots = screenshots
        self.step_number = 0
        os.makedirs(screenshots, exist_ok=True)
        options = webdriver.ChromeOptions()
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=zh-CN"):
            options.add_argument(flag)
        options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
        options.binary_location = "/usr/bin/chromium"
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.implicitly_wait(2)

    def step(self, name):
        self.step_number += 1
        print(f"step {self.step_number}: {name}", flush=True)

    def shot(self, name):
        driver = self.driver
        path = os.path.join(self.screenshots, f"{self.step_number:02d}-{name}.png")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, max(900, min(height + 40, 6000)))
        driver.save_screenshot(path)
        driver.set_window_size(1280, 1600)

    def fail(self, message):
        try:
            self.shot("failed")
        except WebDriverException:
            pass
        try:
            where = f"URL: {self.driver.current_url}\n{self.driver.find_element(By.TAG_NAME, 'main').text[:3000]}"
        except WebDriverException:
            where = ""
        print(f"FAILED at step {self.step_number}: {message}\n{where}", flush=True)
        self.driver.quit()
        os._exit(1)

    def expect(self, condition, message):
        if not condition:
            self.fail(message)

    def go(self, path):
        self.driver.get(self.portal + path)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def title(self):
        return self.driver.title

    def click(self, text):
        """A button, else a link, by its visible text (inside the page's main part before the header's)."""
        driver = self.driver
        for xpath in (f"//main//button[normalize-space()='{text}']", f"//main//a[normalize-space()='{text}']",
                      f"//button[normalize-space()='{text}']", f"//a[normalize-space()='{text}']"):
            for element in driver.find_elements(By.XPATH, xpath):
                if element.is_displayed():
                    self._leave_by(element)
                    return
        self.fail(f"no link or button “{text}”")

    def submit(self, form, button_text=None):
        """Submits `form` by its button (the one with `button_text`, else its first) and waits for the next page."""
        buttons = form.find_elements(By.TAG_NAME, "button")
        self._leave_by([x for x in buttons if button_text is None or x.text.strip() == button_text][0])

    def _leave_by(self, element):
        """Clicks an element that submits a form or follows a link, and waits for the next page to have loaded."""
        driver = self.driver
        driver.execute_script("window.__leaving = true")
        element.click()
        WebDriverWait(driver, 20, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script("return window.__leaving === undefined && document.readyState === 'complete'"))

    def badge(self):
        """The count on the header's to-do badge."""
        return int(self.driver.find_element(By.CSS_SELECTOR, "a.todo-badge .count").text or "0")

    def wait_for(self, what, check, seconds=30):
        """Asks `check` again until it holds: what another service learns by an event arrives a moment later."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            if check():
                return
            time.sleep(0.3)
        self.fail(f"waited {seconds} s for {what}")

    def field(self, label, scope=None):
        """The input a <label> with this text names, optionally within a fieldset whose legend starts with `scope`."""
        driver = self.driver
        root = driver
        if scope:
            try:
                root = driver.find_element(By.XPATH, f"//fieldset[legend[starts-with(normalize-space(), '{scope}')]]")
            except NoSuchElementException:
                self.fail(f"no form section “{scope}”")
        labels = root.find_elements(By.XPATH, f".//label[normalize-space()='{label}']")
        if not labels:
            self.fail(f"no field labelled “{label}”" + (f" in “{scope}”" if scope else ""))
        return driver.find_element(By.ID, labels[0].get_attribute("for"))

    def row_field(self, section, row, label):
        driver = self.driver
        root = driver.find_element(By.XPATH, f"//fieldset[legend[starts-with(normalize-space(), '{section}')]]")
        group = root.find_elements(By.CSS_SELECTOR, ".row-group")[row - 1]
        label_element = group.find_element(By.XPATH, f".//label[normalize-space()='{label}']")
        return driver.find_element(By.ID, label_element.get_attribute("for"))

    def type_into(self, element, text):
        element.clear()
        if element.get_attribute("type") == "date":
            self.driver.execute_script("arguments[0].value = arguments[1]", element, text)
        else:
            element.send_keys(text)

    def choose(self, element, text):
        Select(element).select_by_visible_text(text)

    def sign_in(self, credentials, new_password, landing):
        username, password = credentials.split(":", 1)
        self.go("/login")
        self.type_into(self.field("用户名"), username)
        self.type_into(self.field("密码"), password)
        self.click("登录")
        if "修改密码" in self.driver.title:
            self.shot("first-sign-in-password")
            self.type_into(self.field("当前密码"), password)
            self.type_into(self.field("新密码（至少10个字符）"), new_password)
            self.type_into(self.field("再次输入新密码"), new_password)
            self.click("保存新密码")
        self.expect(landing in self.driver.title, f"after signing in {username} should see {landing}, saw {self.driver.title}")

    def sign_out(self):
        self.click("退出登录")
        self.expect("登录" in self.driver.title, "after signing out the sign-in page shows")

    def fill_application(self, unit, credit_code, studio, id_number, phone, started, project_start, project_end, members, order):
        """The county's form, filled as a person would, section by section."""
        field, row_field, type_into, choose = self.field, self.row_field, self.type_into, self.choose
        type_into(field("单位名称", "一、申报单位"), unit)
        type_into(field("统一社会信用代码", "一、申报单位"), credit_code)
        choose(field("单位性质", "一、申报单位"), "企业")
        choose(field("是否建有工会组织", "一、申报单位"), "是")
        type_into(field("工会名称", "一、申报单位"), unit + "工会")
        type_into(field("工作室名称", "二、工作室基本情况"), studio)
        type_into(field("开展创建工作起始日期", "二、工作室基本情况"), started)
        choose(field("是否有功能明确的固定场地", "二、工作室基本情况"), "是")
        type_into(field("场地地址", "二、工作室基本情况"), "衢州市柯城区航埠镇工业园3号")
        type_into(field("场地面积（平方米）", "二、工作室基本情况"), "120")
        type_into(field("年度经费（元）", "二、工作室基本情况"), "50000")
        type_into(field("办公设施", "二、工作室基本情况"), "会议室、电脑6台")
        type_into(field("设备", "二、工作室基本情况"), "五轴数控加工中心1台")
        type_into(field("姓名", "三、工作室负责人"), "王建国")
        type_into(field("居民身份证号码", "三、工作室负责人"), id_number)
        type_into(field("技术专长", "三、工作室负责人"), "数控加工")
        choose(field("职业技能等级", "三、工作室负责人"), "一级/高级技师")
        type_into(field("职业技能等级证书编号", "三、工作室负责人"), "S000033080012345")
        type_into(field("联系电话", "三、工作室负责人"), phone)
        for index, (name, role) in enumerate(members, start=1):
            type_into(row_field("四、团队成员", index, "姓名"), name)
            type_into(row_field("四、团队成员", index, "分工"), role)
        type_into(field("工作目标与制度", "五、工作制度"), "工作室章程、月度例会制度、项目管理制度，与公司生产计划衔接。")
        type_into(row_field("六、创新项目", 1, "项目名称"), "薄壁件加工变形控制")
        type_into(row_field("六、创新项目", 1, "委托单位"), unit)
        type_into(row_field("六、创新项目", 1, "开始日期"), project_start)
        type_into(row_field("六、创新项目", 1, "完成时限"), project_end)
        type_into(row_field("六、创新项目", 1, "项目经费（元）"), "80000")
        type_into(row_field("六、创新项目", 1, "项目内容"), "降低薄壁件变形率")
        type_into(row_field("六、创新项目", 1, "项目要求"), "变形量小于0.02毫米")
        type_into(row_field("六、创新项目", 1, "验收标准"), "连续三批合格率99%")
        type_into(field("初审意见", "八、初审意见"), "同意推荐")
        type_into(field("推荐顺序", "八、初审意见"), str(order))

    def record_expense(self, grant, category, purpose, amount, spent_on, note, other_name="", other_reason="", receipt=None):
        """The expense form of a studio's ledger page, filled and sent: `grant` is the text of its option in the list of
        paid grants, `receipt` a file to attach."""
        self.choose(self.field("所属补助（已拨付）"), grant)
        self.choose(self.field("支出类别"), category)
        self.type_into(self.field("其他开支的名称"), other_name)
        self.type_into(self.field("“其他”类别的理由"), other_reason)
        self.choose(self.field("用途"), purpose)
        self.type_into(self.field("金额（元）"), amount)
        self.type_into(self.field("支出日期"), spent_on)
        self.type_into(self.field("支出说明"), note)
        if receipt:
            self.field("票据（可多选）").send_keys(receipt)
        self.click("记录支出")

    @contextlib.contextmanager
    def running(self):
        """A script's steps: at their end how many passed; a WebDriver error fails the step it happened in; the
        browser quits either way."""
        try:
            yield
            print(f"{self.step_number} steps passed; screenshots in {self.screenshots}", flush=True)
        except WebDriverException as error:
            self.fail(f"{type(error).__name__}: {error.msg}")
        finally:
            self.quit()

    def quit(self):
        self.driver.quit()


def write_receipt(folder, name="receipt.pdf"):
    """A one-page PDF to attach as a receipt; answers its path."""
    path = os.path.join(folder, name)
    with open(path, "wb") as out:
        out.write(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return path
