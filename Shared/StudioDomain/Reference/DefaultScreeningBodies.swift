import Foundation

extension ScreeningBody {
    /// The six county-level federations of Quzhou, coded by administrative division (行政区划代码).
    public static let countyFederations: [ScreeningBody] = [
        ScreeningBody(code: "330802", nameZh: "柯城区总工会", nameEn: "Kecheng District Federation of Trade Unions", kind: .countyFederation),
        ScreeningBody(code: "330803", nameZh: "衢江区总工会", nameEn: "Qujiang District Federation of Trade Unions", kind: .countyFederation),
        ScreeningBody(code: "330822", nameZh: "常山县总工会", nameEn: "Changshan County Federation of Trade Unions", kind: .countyFederation),
        ScreeningBody(code: "330824", nameZh: "开化县总工会", nameEn: "Kaihua County Federation of Trade Unions", kind: .countyFederation),
        ScreeningBody(code: "330825", nameZh: "龙游县总工会", nameEn: "Longyou County Federation of Trade Unions", kind: .countyFederation),
        ScreeningBody(code: "330881", nameZh: "江山市总工会", nameEn: "Jiangshan City Federation of Trade Unions", kind: .countyFederation),
    ]

    /// 衢州绿色产业集聚区总工会, named in the notice itself. The code is ours: the cluster has no division code.
    public static let greenIndustryClusterUnion = ScreeningBody(
        code: "QZ-GIC", nameZh: "衢州绿色产业集聚区总工会",
        nameEn: "Quzhou Green Industry Cluster Federation of Trade Unions", kind: .industryClusterUnion)

    /// EXAMPLE DEFAULTS, not an official list: a few city system committees and industry unions so that a fresh
    /// installation can be tried out. The real list is maintained in the reference-data JSON file, which can
    /// rename them or mark them `"active": false`.
    public static let exampleCityBodies: [ScreeningBody] = [
        ScreeningBody(code: "QZ-SYS-JG", nameZh: "市直机关工会工作委员会",
                      nameEn: "Working Committee of Trade Unions of City Organs", kind: .citySystemCommittee),
        ScreeningBody(code: "QZ-SYS-EDU", nameZh: "市教育系统工会工作委员会",
                      nameEn: "Working Committee of Trade Unions of the City Education System", kind: .citySystemCommittee),
        ScreeningBody(code: "QZ-SYS-HEALTH", nameZh: "市卫生健康系统工会工作委员会",
                      nameEn: "Working Committee of Trade Unions of the City Health System", kind: .citySystemCommittee),
        ScreeningBody(code: "QZ-IND-CONS", nameZh: "衢州市建设工会",
                      nameEn: "Quzhou Construction Trade Union", kind: .cityIndustryUnion),
        ScreeningBody(code: "QZ-IND-ENERGY", nameZh: "衢州市能源化工工会",
                      nameEn: "Quzhou Energy and Chemical Trade Union", kind: .cityIndustryUnion),
    ]

    /// Every built-in default: the county federations and the cluster union (fixed by the notice), then the
    /// example city bodies.
    public static let builtInDefaults: [ScreeningBody] =
        countyFederations + [greenIndustryClusterUnion] + exampleCityBodies
}
