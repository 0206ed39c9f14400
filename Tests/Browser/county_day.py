"""A county union's day in the portal, in a real headless Chromium (Debian's chromium and chromedriver).

Run by PortalTests against the five real binaries. It finds things the way a person does, by their
Chinese labels, button texts and headings, and writes a screenshot of every step to --screenshots.
Exit status 0 when every step saw what it should; otherwise the first failed step is printed.
"""
import argparse
import datetime
import os
import re
import tempfile

from selenium.webdriver.common.by import By

from portal_browser import Browser

parser = argparse.ArgumentParser()
parser.add_argument("--portal", required=True)
parser.add_argument("--screenshots", required=True)
parser.add_argument("--round-id", required=True)
parser.add_argument("--round-year", type=int, required=True)
parser.add_argument("--today", required=True, help="the business day, YYYY-MM-DD")
parser.add_argument("--county-a", required=True, help="username:first-password")
parser.add_argument("--county-b", required=True, help="username:first-password")
parser.add_argument("--credit-code", required=True)
parser.add_argument("--credit-code-2", required=True)
parser.add_argument("--id-number", required=True)
parser.add_argument("--phone", default="13905700000")
args = parser.parse_args()

browser = Browser(args.portal, args.screenshots)
driver = browser.driver
step, shot, fail, expect, go, click, field, row_field, type_into, choose = (
    browser.step, browser.shot, browser.fail, browser.expect, browser.go, browser.click, browser.field, browser.row_field,
    browser.type_into, browser.choose)


def page_text():
    return browser.text()


def sign_in(credentials, new_password):
    browser.sign_in(credentials, new_password, "工作台")


sign_out = browser.sign_out

today = datetime.date.fromisoformat(args.today)
started = (today - datetime.timedelta(days=400)).isoformat()
project_start = f"{args.round_year}-01-01"
project_end = f"{args.round_year}-12-31"
no_personal_data = re.compile(r"\b\d{17}[\dXx]\b|\b1[3-9]\d{9}\b")

with browser.running():
    # 1. The public register and a notice, without signing in: no ID number, no phone number.
    step("the public register without signing in")
    go("/public/studios")
    expect("创新工作室名录" in page_text(), "the register's heading")
    rows = driver.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
    expect(len(rows) >= 1 and "暂无" not in rows[0].text, "the register lists named studios")
    expect(not no_personal_data.search(driver.page_source), "no ID or phone number on the register")
    shot("public-register")
    rows[0].find_element(By.TAG_NAME, "a").click()
    expect("牌匾编号" in page_text() and "称号记录" in page_text(), "a studio's page shows its plaque and title history")
    expect(not no_personal_data.search(driver.page_source), "no ID or phone number on a studio's page")
    shot("public-studio")
    step("a public notice and its printable A4 view")
    go("/public/notices")
    notices = driver.find_elements(By.CSS_SELECTOR, "table.list tbody tr a")
    expect(len(notices) >= 1, "the notices list shows the scenario's revocation notices")
    notices[0].click()
    expect("通报" in driver.title and "特此通报" in page_text(), "a notice's text")
    expect(not no_personal_data.search(driver.page_source), "no ID or phone number on a notice")
    shot("public-notice")
    click("打印版（A4）")
    expect("特此通报" in page_text(), "the printable notice")
    shot("public-notice-print")

    # 2. County A signs in (first password changed) and sees its dashboard.
    step("county A signs in and changes its first password")
    sign_in(args.county_a, "kecheng-new-password-1")
    expect(f"{args.round_year}年度命名申报" in page_text(), "the open round on the dashboard")
    shot("county-dashboard")

    # 3. The form with a team of two: the Art 5(4) error beside the team section, in Chinese.
    step("an application with a team of two is refused beside the team field")
    go(f"/county/rounds/{args.round_id}/new")
    browser.fill_application("衢州精工机械有限公司", args.credit_code, "王建国数控技能创新工作室", args.id_number, args.phone,
                             started, project_start, project_end, [("李明", "技术骨干")], 1)
    click("提交申报")
    team = driver.find_element(By.XPATH, "//fieldset[legend[starts-with(normalize-space(), '四、团队成员')]]")
    errors = team.find_elements(By.CSS_SELECTOR, "p.error")
    expect(errors, "an error inside the team section")
    expect("3人" in errors[0].text and "第五条第（四）项" in errors[0].text, f"the Art 5(4) message in Chinese, saw “{errors[0].text}”")
    expect(field("单位名称", "一、申报单位").get_attribute("value") == "衢州精工机械有限公司", "the user's input is kept")
    driver.execute_script("arguments[0].scrollIntoView()", team)
    shot("team-of-two-refused")

    step("the team is completed and the application submitted")
    type_into(row_field("四、团队成员", 2, "姓名"), "赵芳")
    type_into(row_field("四、团队成员", 2, "分工"), "工艺员")
    click("提交申报")
    expect("申报已提交" in page_text(), f"the flash after submitting; saw {page_text()[:400]}")
    expect("已提交" in driver.find_element(By.CSS_SELECTOR, "h1 .status").text, "the status on the application's page")
    application_url = driver.current_url
    shot("submitted")

    step("a stamped scan is uploaded as PDF")
    pdf = os.path.join(tempfile.mkdtemp(), "stamped.pdf")
    with open(pdf, "wb") as handle:
        handle.write(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    type_into(field("附件名称"), "申报表盖章页")
    field("文件（PDF、JPEG、PNG，不超过10MB）").send_keys(pdf)
    click("上传")
    expect("申报表盖章页.pdf" in page_text() and "PDF" in page_text(), "the attachment is listed")
    shot("attachment-uploaded")
    click("打印申报表")
    expect("申报表" in driver.title and "王建国数控技能创新工作室" in page_text() and "盖章" in page_text(), "the printable application form")
    shot("printable-application")
    driver.get(application_url)

    # 4. The bulk path: a GB18030 CSV with one bad row (a team of two).
    step("a GB18030 CSV with one bad row is reported row by row")
    go("/county")
    click("批量导入")
    header = "申报单位名称,统一社会信用代码,单位类型,是否建有工会,工会名称,工作室名称,创建起始日期,是否有固定场地,场地地址,场地面积（平方米）,工作室经费（元）,办公设施,硬件设备,负责人姓名,负责人身份证号码,技术专长,职业技能等级,职业技能等级证书编号,联系电话,团队成员,工作制度,项目名称,委托单位,项目内容,项目开始日期,项目结束日期,项目要求,考核标准,项目经费（元）,专利,获奖,论文,行业领域,初审意见,推荐顺序"

    def csv_row(studio, members):
        return ",".join(["衢州精密铸造有限公司", args.credit_code_2, "企业", "是", "公司工会", studio, started, "是", "柯城区航埠镇工业园5号", "100",
                         "30000.00", "会议室", "三坐标测量仪", "陈立", args.id_number, "精密铸造", "二级/技师", "S0002", args.phone, members,
                         "月度例会制度", "铸件缺陷控制", "衢州精密铸造有限公司", "降低缺陷率", project_start, project_end, "缺陷率<1%", "合格率99%",
                         "60000", "", "", "", "装备制造", "同意推荐", ""])

    csv = "\r\n".join([header, csv_row("精铸工艺创新工作室", "刘洋、孙磊"), csv_row("铸件检测创新工作室", "周强")]) + "\r\n"
    path = os.path.join(tempfile.mkdtemp(), "申报汇总.csv")
    with open(path, "wb") as handle:
        handle.write(csv.encode("gb18030"))
    field("CSV 文件").send_keys(path)
    click("上传并导入")
    table = driver.find_element(By.XPATH, "//table[@aria-label='有误的行']")
    cells = [row.text for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    expect(any(text.startswith("3 ") and "团队成员" in text for text in cells), f"row 3's team is reported, saw {cells}")
    expect("未导入任何数据" in page_text(), "nothing imported while a row is bad")
    shot("import-bad-row-reported")
    step("the good rows only")
    field("CSV 文件").send_keys(path)
    field("只导入无误的行（有误的行不导入）").click()
    click("上传并导入")
    expect("已导入 1 行" in page_text() and "精铸工艺创新工作室" in page_text(), f"the good row imported; saw {page_text()[:600]}")
    shot("import-good-rows")

    # 5. Withdraw one application.
    step("one application is withdrawn")
    go("/county")
    driver.find_element(By.LINK_TEXT, "精铸工艺创新工作室").click()
    type_into(field("撤回原因（可选）"), "单位决定明年再报")
    click("撤回申报")
    expect("已撤回" in driver.find_element(By.CSS_SELECTOR, "h1 .status").text, "the withdrawn status")
    shot("withdrawn")

    step("a studio named like a script shows as text")
    go(f"/county/rounds/{args.round_id}/new")
    type_into(field("工作室名称", "二、工作室基本情况"), "<script>alert(1)</script>")
    click("保存草稿")
    expect("草稿已保存" in page_text(), "the draft is saved")
    expect("<script>alert(1)</script>" in driver.find_element(By.TAG_NAME, "h1").text, "the name shows as text")
    expect("<script>alert(1)</script>" not in driver.page_source, "the page source escapes it")
    shot("script-name-escaped")
    sign_out()

    # 6. County B never sees county A's applications, not even by typing the URL.
    step("county B sees none of county A's applications")
    sign_in(args.county_b, "qujiang-new-password-1")
    expect("王建国数控技能创新工作室" not in page_text(), "A's application is not on B's dashboard")
    shot("county-b-dashboard")
    driver.get(application_url)
    expect("未找到" in driver.title, f"A's application URL is a 404 page for B, saw {driver.title}")
    shot("county-b-404")
    sign_out()
